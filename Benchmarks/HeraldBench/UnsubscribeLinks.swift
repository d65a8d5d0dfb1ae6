import Foundation
import HeraldStore
import HeraldWorkspace

/// Prints `/unsubscribe/TOKEN` for every subscribed member of `list` in the workspace at
/// `root`, one a line, ordered by subscriber id: the paths the web benchmark POSTs to.
///
/// The token is the one `ComposedRelease` puts in List-Unsubscribe for a subscriber (their
/// store id, the list they get it through, purpose `.unsubscribe`), so the server checks
/// exactly what a mail client would send it.
/// - Returns: how many paths were printed.
func printUnsubscribeLinks(workspace root: URL, list: String) throws -> Int {
  let workspace = Workspace(root: root)
  let store = try workspace.openStore()
  let signer = try workspace.linkSigner()
  let output = FileHandle.standardOutput
  var buffer = ""
  buffer.reserveCapacity(1 << 16)
  let count = try store.forEachRecipient(of: [list]) { recipient in
    let token = signer.unsubscribeToken(subscriber: recipient.subscriber.id.description, list: recipient.list)
    buffer += "/unsubscribe/\(token)\n"
    // Written in chunks: one write per line costs more than the signing.
    if buffer.utf8.count >= 1 << 16 {
      output.write(Data(buffer.utf8))
      buffer.removeAll(keepingCapacity: true)
    }
  }
  output.write(Data(buffer.utf8))
  return count
}
