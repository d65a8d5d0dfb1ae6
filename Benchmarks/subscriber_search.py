"""Issue 18: the queries of the desk's subscriber pages against a real Herald store of
100,000 subscribers (made with `herald lists import`): median and worst of 50 runs each, and
each query's plan (EXPLAIN QUERY PLAN). The SQL is the desk's (SubscriberStore+Search.swift,
+Record.swift); SQLite is the system's, as GRDB links it.
Usage: python3 Benchmarks/subscriber_search.py .build/debug/herald WORKDIR"""
import os, random, sqlite3, subprocess, sys, time
herald, work = sys.argv[1], sys.argv[2]
ws = os.path.join(work, "ws")
if not os.path.exists(os.path.join(ws, "Lists", "herald.sqlite")):
    subprocess.run([herald, "init", ws], check=True, capture_output=True)
    subprocess.run([herald, "lists", "create", "press-en"], cwd=ws, check=True, capture_output=True)
    random.seed(7)
    first = ["Anne", "Jean", "Marie", "Pierre", "Olga", "Ivan", "Hans", "Greta", "Luis", "Carmen", "Sophie", "Paul"]
    last = ["Martin", "Petrov", "Schmidt", "Garcia", "Dubois", "Lefebvre", "Moreau", "Ivanova", "Müller", "Bernard"]
    orgs = ["Le Monde", "Le Figaro", "Der Spiegel", "El País", "Reuters", "AFP", "Kommersant", "BBC", "Libération", ""]
    csv = os.path.join(work, "people.csv")
    with open(csv, "w") as f:
        f.write("email,name,organisation\n")
        for i in range(100_000):
            fn, ln = random.choice(first), random.choice(last)
            f.write(f"{fn.lower()}.{ln.lower()}{i}@{random.choice(['example.com', 'example.org', 'news.test'])},{fn} {ln},{random.choice(orgs)}\n")
        f.write("anne.durand@example.com,Anne Durand,Le Monde\n")
    t = time.monotonic()
    subprocess.run([herald, "lists", "import", "press-en", csv], cwd=ws, check=True, capture_output=True)
    print(f"import of 100,001 rows (with the trigram index kept by triggers): {time.monotonic() - t:.1f} s")
db = sqlite3.connect(os.path.join(ws, "Lists", "herald.sqlite"))
FTS = """SELECT subscriber.id, subscriber.email, subscriber.name, subscriber.organization
  FROM subscriber_search JOIN subscriber ON subscriber.id = subscriber_search.rowid
  WHERE subscriber_search MATCH ? AND subscriber_search.rowid < ? ORDER BY subscriber_search.rowid DESC LIMIT 51"""
LIKE = """SELECT id, email, name, organization FROM subscriber
  WHERE id < ?2 AND (email LIKE ?1 ESCAPE '\\' OR name LIKE ?1 ESCAPE '\\' OR organization LIKE ?1 ESCAPE '\\')
  ORDER BY id DESC LIMIT 51"""
ALL = "SELECT id, email, name, organization FROM subscriber WHERE id < ? ORDER BY id DESC LIMIT 51"
MEMBERS = "SELECT membership.subscriber_id, list.name, membership.status FROM membership JOIN list ON list.id = membership.list_id WHERE membership.subscriber_id IN ({})"
def run(sql, args, n=50):
    times = []
    for _ in range(n):
        s = time.perf_counter()
        rows = db.execute(sql, args).fetchall()
        if rows and "MEMBERS" not in sql:
            ids = [r[0] for r in rows[:50]]
            db.execute(MEMBERS.format(",".join("?" * len(ids))), ids).fetchall()
        times.append((time.perf_counter() - s) * 1000)
    times.sort()
    return times[n // 2], times[-1], len(rows)
BIG = 2**63 - 1
def phrase(t): return '"' + t.replace('"', '""') + '"'
print("search (query + the page's memberships), ms: median, worst of 50, rows")
for term in ["durand", "le monde", "@example.com", "lefebvre12", "nobody-has-this", "müller", "ab"]:
    if len(term) >= 3:
        m, w, n = run(FTS, (phrase(term), BIG))
    else:
        m, w, n = run(LIKE, ("%" + term + "%", BIG))
    print(f"  {term!r:20} {m:7.3f} {w:7.3f} {n}")
m, w, n = run(ALL, (BIG,)); print(f"  {'(empty: newest)':20} {m:7.3f} {w:7.3f} {n}")
m, w, n = run(LIKE, ("%nobody-has-this%", BIG)); print(f"  LIKE '%nobody-has-this%' (what the index replaces): {m:.3f} {w:.3f}")
m, w, n = run(LIKE, ("%zq%", BIG)); print(f"  two letters nobody has ('zq', compared row by row): {m:.3f} {w:.3f}")
print("plans:")
for name, sql, args in [("search", FTS, (phrase("durand"), BIG)), ("short", LIKE, ("%ab%", BIG)),
                        ("members", MEMBERS.format("?,?"), (1, 2)),
                        ("deliveries", "SELECT campaign, list_name, language, outcome, reply, at FROM delivery WHERE subscriber_id = ? ORDER BY at DESC, id DESC LIMIT 50", (5,)),
                        ("returned", "SELECT id, class, subject, reason, release, received_at FROM inbound WHERE subscriber_id = ? AND class IN ('bounce', 'complaint') ORDER BY received_at DESC LIMIT 50", (5,)),
                        ("inquiries", "SELECT id, subject, status, release, created_at FROM inquiry WHERE subscriber_id = ? ORDER BY created_at DESC LIMIT 50", (5,)),
                        ("history", "SELECT list_name, status, source, source_detail, at, id, kind FROM consent_event WHERE subscriber_id = ?", (5,)),
                        ("suppressions", "SELECT kind, value, reason, created_at FROM suppression WHERE kind != 'hashed' ORDER BY id DESC LIMIT 200", ()),
                        ("hashed", "SELECT COUNT(*) FROM suppression WHERE kind = 'hashed'", ())]:
    plan = "; ".join(r[3] for r in db.execute("EXPLAIN QUERY PLAN " + sql, args).fetchall())
    print(f"  {name:12} {plan}")
