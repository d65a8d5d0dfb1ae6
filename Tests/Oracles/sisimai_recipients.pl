#!/usr/bin/env perl
# What sisimai, the reference bounce analyser (Debian libsisimai-perl, 4.25), finds in
# message files: for each FILE given, the recipients of every bounce, feedback (complaint)
# or other record it makes, as one JSON object on stdout:
#   {"FILE": [{"recipient": "x@example.com", "status": "5.1.1", "reason": "userunknown",
#              "action": "failed", "agent": "Postfix"}, ...], ...}
# Usage: perl Tests/Oracles/sisimai_recipients.pl FILE...
use strict;
use warnings;
use JSON::PP;
use Sisimai;

my %found;
for my $file (@ARGV) {
    # Sisimai->make reads a file as an mbox of one message or more; undef when it finds nothing.
    my $records = Sisimai->make($file) // [];
    $found{$file} = [
        map {
            {
                recipient => $_->recipient->address,
                status    => $_->deliverystatus // '',
                reason    => $_->reason // '',
                action    => $_->action // '',
                agent     => $_->smtpagent // '',
            }
        } @$records
    ];
}
# Sisimai gives addresses as the bytes it read (UTF-8): printed as they are.
print JSON::PP->new->canonical->encode(\%found), "\n";
