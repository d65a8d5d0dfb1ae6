import Foundation
import HeraldTesting
import Testing

/// The headless browser harness the web tests use, against pages from a plain Python
/// server on 127.0.0.1 that each test starts.
struct HeadlessBrowserTests {
  /// A script-free page that relies on the HTML parser: no <head> or <body>, unclosed <p>
  /// and <li>, a table without <tbody>. The DOM has them all; the source has none.
  static let page = """
    <!doctype html>
    <meta charset="utf-8">
    <title>Water report 2020</title>
    <h1 id="title">Water report 2020: reservoirs above average</h1>
    <p>Reservoirs stood at 87 per cent of capacity.
    <p>Consumption per household fell again.
    <ul><li>North: 91 %<li>South: 83 %</ul>
    <table><tr><td>March</td><td>87</td></tr></table>

    """

  @Test func dumpDOMGivesTheParsedDocument() throws {
    let browser = try #require(HeadlessBrowser.find(), "no Chromium on PATH or in /usr/bin: run scripts/bootstrap")
    let server = try PageServer(pages: ["report.html": Self.page])
    let dom = try browser.dumpDOM(server.url("report.html"))
    #expect(dom.contains("<html><head><meta charset=\"utf-8\">\n<title>Water report 2020</title>\n</head><body>"))
    #expect(dom.contains("<h1 id=\"title\">Water report 2020: reservoirs above average</h1>"))
    #expect(dom.contains("<p>Reservoirs stood at 87 per cent of capacity.\n</p><p>Consumption per household fell again.\n</p>"))
    #expect(dom.contains("<ul><li>North: 91 %</li><li>South: 83 %</li></ul>"))
    #expect(dom.contains("<table><tbody><tr><td>March</td><td>87</td></tr></tbody></table>"))
    #expect(dom.hasSuffix("</body></html>\n"))
  }

  @Test(arguments: [(800, 600), (390, 844)])
  func screenshotIsAPNGOfTheWindowSize(width: Int, height: Int) throws {
    let browser = try #require(HeadlessBrowser.find(), "no Chromium on PATH or in /usr/bin: run scripts/bootstrap")
    let server = try PageServer(pages: ["report.html": Self.page])
    let file = HeadlessBrowser.artifactsDirectory.appendingPathComponent("headless-browser-\(width)x\(height).png")
    try browser.screenshot(server.url("report.html"), width: width, height: height, to: file)
    let png = try Data(contentsOf: file)
    let size = try #require(Self.pngSize(png), "\(file.path) is not a PNG")
    #expect(size.width == width && size.height == height)
    // A blank page compresses to well under 1 kB; text makes it bigger.
    #expect(png.count > 2000)
  }

  @Test(.timeLimit(.minutes(1))) func aPageThatNeverAnswersTimesOutAndTheBrowserIsKilled() throws {
    let browser = try #require(HeadlessBrowser.find(), "no Chromium on PATH or in /usr/bin: run scripts/bootstrap")
    // Accepts connections (the kernel does, from the backlog) and never answers.
    let silent = try SilentServer()
    let error = #expect(throws: HeadlessBrowserError.self) {
      try browser.dumpDOM("http://127.0.0.1:\(silent.port)/", timeout: 2)
    }
    #expect(error?.code == .timedOut)
    #expect(error?.message.contains("after 2 s and was killed") == true)
  }

  /// Width and height from a PNG's IHDR chunk, which must come first.
  static func pngSize(_ data: Data) -> (width: Int, height: Int)? {
    let bytes = [UInt8](data.prefix(24))
    guard bytes.count == 24, bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
      Array(bytes[12..<16]) == Array("IHDR".utf8)
    else { return nil }
    func bigEndian(_ range: Range<Int>) -> Int { bytes[range].reduce(0) { $0 << 8 | Int($1) } }
    return (bigEndian(16..<20), bigEndian(20..<24))
  }
}

/// Python's http.server on 127.0.0.1, port 0, serving `pages` from a temporary folder.
private final class PageServer {
  let port: Int
  private let directory: URL
  private let process: BackgroundProcess

  init(pages: [String: String]) throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-pages-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    for (name, text) in pages {
      try Data(text.utf8).write(to: directory.appendingPathComponent(name))
    }
    let script = """
      import functools, http.server, sys
      handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
      handler.log_message = lambda *arguments: None
      server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
      print("listening on port", server.server_address[1], flush=True)
      server.serve_forever()
      """
    process = try BackgroundProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script, directory.path])
    guard let port = try process.waitForOutput(#"listening on port (\d+)"#).flatMap({ Int($0) }) else {
      throw PageServerError(output: process.output)
    }
    self.port = port
  }

  deinit {
    process.stop()
    try? FileManager.default.removeItem(at: directory)
  }

  func url(_ page: String) -> String { "http://127.0.0.1:\(port)/\(page)" }
}

private struct PageServerError: Error, CustomStringConvertible {
  var output: String
  var description: String { "python3's http.server did not say its port within 20 s; it printed:\n\(output)" }
}

/// A socket on 127.0.0.1 that listens and never accepts: connections complete, requests
/// are never answered.
private final class SilentServer {
  let port: Int
  private let socket: Int32

  init() throws {
    let fd = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EMFILE) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let listening = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(fd, $0, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, $0, &length) == 0
      }
    }
    guard listening else {
      let code = POSIXErrorCode(rawValue: errno) ?? .EADDRINUSE
      close(fd)
      throw POSIXError(code)
    }
    socket = fd
    port = Int(UInt16(bigEndian: address.sin_port))
  }

  deinit { close(socket) }
}
