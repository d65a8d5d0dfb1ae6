import Foundation
import HeraldCore

extension ReleaseChecker {
  /// Warnings for a sentence that a stray blank line split into two paragraphs: one that ends
  /// without punctuation (in a letter, a digit, a comma or a dash) followed by one that begins
  /// in lower case — "…signed the treaty as a depository" / "country, and …". Mail and the
  /// page would show a break in the middle of the sentence.
  static func splitSentenceWarnings(in document: MarkdownDocument, file: String) -> [Diagnostic] {
    var found: [Diagnostic] = []
    func look(at blocks: [MarkdownBlock]) {
      var previous: (text: String, line: Int)?
      for block in blocks {
        switch block {
        case .paragraph(let inlines, let line):
          let text = MarkdownInline.plainText(inlines).trimmingCharacters(in: .whitespacesAndNewlines)
          if let before = previous, endsMidSentence(before.text), beginsInLowerCase(text) {
            found.append(Diagnostic(.warning, file: file, line: line,
              "this paragraph begins in lower case (“\(text.prefix(24))…”) and the one before it ends without punctuation (“…\(before.text.suffix(24))”): a stray blank line splits a sentence in two. Remove the blank line at line \(line - 1), or end the first paragraph"))
          }
          previous = (text, line)
        case .quote(let children):
          look(at: children)
          previous = nil
        case .list(_, _, _, let items):
          items.forEach(look(at:))
          previous = nil
        default:
          previous = nil
        }
      }
    }
    look(at: document.blocks)
    return found
  }

  /// Whether a paragraph's text stops where a sentence cannot: after a letter, a digit, a
  /// comma or a dash, rather than a full stop, a question, a colon, a closing quote…
  private static func endsMidSentence(_ text: String) -> Bool {
    guard let last = text.last else { return false }
    return last.isLetter || last.isNumber || ",-–—".contains(last)
  }

  /// Whether a paragraph's first letter (after opening quotes or brackets) is lower case.
  private static func beginsInLowerCase(_ text: String) -> Bool {
    guard let first = text.first(where: { !"\"'“‘«„([".contains($0) }) else { return false }
    return first.isLetter && first.isLowercase
  }
}
