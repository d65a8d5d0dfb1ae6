import Foundation
import Hummingbird

/// Serves `GET /` with a fixed HTML page of `bytes` bytes on 127.0.0.1:`port` until SIGINT
/// or SIGTERM: the web benchmark's floor, what Hummingbird does with no work behind the
/// route. Prints `Listening on http://127.0.0.1:PORT` first (port 0 picks a free one).
func runHTTPFloor(port: Int, bytes: Int) -> Never {
  let headers: HTTPFields = [.contentType: "text/html; charset=utf-8"]
  let page = ByteBuffer(string: floorPage(bytes: bytes))
  let router = Router()
  router.get("/") { _, _ in
    Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: page))
  }
  let application = Application(
    router: router,
    configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: port), serverName: nil),
    onServerRunning: { channel in
      // Unbuffered: the benchmark reads this line from a pipe or file while the server runs.
      FileHandle.standardOutput.write(Data("Listening on http://127.0.0.1:\(channel.localAddress?.port ?? port)\n".utf8))
    })
  Task {
    do {
      try await application.runService()
      exit(0)
    } catch {
      FileHandle.standardError.write(Data("herald-bench: http-floor: \(error)\n".utf8))
      exit(1)
    }
  }
  dispatchMain()
}

/// A page shaped like a published release, exactly `bytes` long (at least its header and
/// footer): a header, paragraphs, a footer, padded with spaces.
private func floorPage(bytes: Int) -> String {
  let header = """
    <!doctype html>
    <html lang="en"><head><meta charset="utf-8"><title>Water report 2020 - Example Press Office</title>
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <style>body{font-family:sans-serif;max-width:40em;margin:2em auto;line-height:1.5}</style></head>
    <body><header><a href="/">Example Press Office</a></header><main><article>
    <h1>Water report 2020: reservoirs above average</h1><p class="date">31 March 2020</p>

    """
  let paragraph = """
    <p>The regional water authority reported on Tuesday that reservoir levels across the \
    catchment stood at 87 per cent of capacity at the end of March, above the ten-year \
    average for the season. Consumption per household fell for the third year running.</p>

    """
  let footer = """
    </article></main><footer><p>Example Press Office, press@example.org</p></footer></body></html>

    """
  var html = header
  while html.utf8.count + paragraph.utf8.count + footer.utf8.count <= bytes { html += paragraph }
  html += String(repeating: " ", count: max(0, bytes - html.utf8.count - footer.utf8.count))
  return html + footer
}
