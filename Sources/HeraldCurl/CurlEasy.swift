import CCurl
import Foundation

/// The owner of one libcurl easy handle: it sets options and reads information with every
/// CURLcode checked, keeps alive the C memory libcurl does not copy (recipient lists), and
/// frees the handle when it goes. Not Sendable: one thread uses it at a time.
///
/// The SMTP connection and the IMAP mailbox use it: every libcurl call Herald makes goes
/// through here.
package final class CurlEasy {
  /// The handle, for callbacks' `curl_easy_*` calls.
  package let handle: UnsafeMutableRawPointer
  /// libcurl's own words about the last failure; it does not copy the buffer, so it lives
  /// as long as the handle.
  private let errorBuffer: UnsafeMutablePointer<CChar>
  /// Lists set on the handle: libcurl reads them during transfers and does not copy them.
  private var lists: [CURLoption: UnsafeMutablePointer<curl_slist>] = [:]

  /// Makes a handle.
  /// - Throws: `CurlError` `.handle` when libcurl cannot make one.
  package init() throws {
    _ = Self.globalInit
    guard let handle = curl_easy_init() else { throw CurlError(.handle, "libcurl could not make a handle (out of memory?)") }
    self.handle = handle
    errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
    errorBuffer.initialize(to: 0)
    do {
      try set(CURLOPT_ERRORBUFFER, pointer: errorBuffer)
    } catch {
      curl_easy_cleanup(handle)
      errorBuffer.deallocate()
      throw error
    }
  }

  deinit {
    curl_easy_cleanup(handle)
    for list in lists.values { curl_slist_free_all(list) }
    errorBuffer.deallocate()
  }

  private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

  /// Sets a number option.
  /// - Throws: `CurlError` `.option` naming the option and libcurl's reason.
  package func set(_ option: CURLoption, _ value: Int) throws {
    try check(ccurl_setopt_long(handle, option, value), option)
  }

  /// Sets a size option (curl_off_t).
  package func set(_ option: CURLoption, offset value: Int64) throws {
    try check(ccurl_setopt_off(handle, option, curl_off_t(value)), option)
  }

  /// Sets a text option; libcurl copies it.
  package func set(_ option: CURLoption, _ value: String) throws {
    try check(ccurl_setopt_string(handle, option, value), option)
  }

  /// Sets a pointer option (callback data, buffers).
  package func set(_ option: CURLoption, pointer value: UnsafeMutableRawPointer?) throws {
    try check(ccurl_setopt_pointer(handle, option, value), option)
  }

  /// Sets a list option (recipients, custom headers), keeping the list alive until it is
  /// replaced or the handle goes.
  package func set(_ option: CURLoption, list values: [String]) throws {
    var list: UnsafeMutablePointer<curl_slist>?
    for value in values {
      guard let longer = curl_slist_append(list, value) else {
        curl_slist_free_all(list)
        throw CurlError(.handle, "libcurl could not make a list for \(Self.name(of: option)) (out of memory?)")
      }
      list = longer
    }
    do {
      try check(ccurl_setopt_slist(handle, option, list), option)
    } catch {
      curl_slist_free_all(list)
      throw error
    }
    if let old = lists[option] { curl_slist_free_all(old) }
    lists[option] = list
  }

  /// Sets a read, write or header callback.
  package func set(_ option: CURLoption, callback: ccurl_io_callback) throws {
    try check(ccurl_setopt_io_callback(handle, option, callback), option)
  }

  /// Sets the progress callback (libcurl calls it about once a second, and as data moves;
  /// a non-zero return ends the transfer with CURLE_ABORTED_BY_CALLBACK).
  package func setProgressCallback(_ callback: ccurl_xferinfo_callback) throws {
    try check(ccurl_setopt_xferinfo_callback(handle, callback), CURLOPT_XFERINFOFUNCTION)
  }

  /// Sets the debug (trace) callback.
  package func setDebugCallback(_ callback: ccurl_debug_callback) throws {
    try check(ccurl_setopt_debug_callback(handle, callback), CURLOPT_DEBUGFUNCTION)
  }

  /// Runs a transfer; clears the error buffer first.
  /// - Returns: libcurl's result; `lastError` has the particulars when it is not CURLE_OK.
  package func perform() -> CURLcode {
    errorBuffer[0] = 0
    return curl_easy_perform(handle)
  }

  /// Sends what it can of `bytes` on a connection made with CURLOPT_CONNECT_ONLY, without
  /// waiting: the result, and how many bytes went (CURLE_AGAIN: none, wait until the socket
  /// can be written).
  package func send(_ bytes: UnsafeRawBufferPointer) -> (result: CURLcode, count: Int) {
    var sent = 0
    let result = curl_easy_send(handle, bytes.baseAddress, bytes.count, &sent)
    return (result, sent)
  }

  /// Receives what has arrived on a connection made with CURLOPT_CONNECT_ONLY, without
  /// waiting: the result, and how many bytes came (CURLE_OK with 0: the peer closed the
  /// connection; CURLE_AGAIN: nothing yet, wait until the socket can be read).
  package func receive(into buffer: UnsafeMutableRawBufferPointer) -> (result: CURLcode, count: Int) {
    var received = 0
    let result = curl_easy_recv(handle, buffer.baseAddress, buffer.count, &received)
    return (result, received)
  }

  /// libcurl's particulars of the last failure, or its summary of `code` when it gave none.
  package func reason(for code: CURLcode) -> String {
    let summary = String(cString: curl_easy_strerror(code))
    let detail = String(cString: errorBuffer)
    return detail.isEmpty || detail == summary ? summary : "\(summary) (\(detail))"
  }

  /// A number of information about the last transfer.
  /// - Throws: `CurlError` `.information` when libcurl does not have it.
  package func info(_ info: CURLINFO) throws -> Int {
    var value = 0
    let code = ccurl_getinfo_long(handle, info, &value)
    guard code == CURLE_OK else {
      throw CurlError(.information, "libcurl cannot tell information \(info.rawValue): \(String(cString: curl_easy_strerror(code)))")
    }
    return value
  }

  /// The socket of the last transfer's connection, when libcurl keeps one open.
  package func activeSocket() throws -> curl_socket_t? {
    var socket: curl_socket_t = -1
    let code = ccurl_getinfo_socket(handle, CURLINFO_ACTIVESOCKET, &socket)
    guard code == CURLE_OK else {
      throw CurlError(.information, "libcurl cannot tell the connection's socket: \(String(cString: curl_easy_strerror(code)))")
    }
    return socket == -1 ? nil : socket
  }

  private func check(_ code: CURLcode, _ option: CURLoption) throws {
    guard code != CURLE_OK else { return }
    throw CurlError(
      .option,
      "libcurl refused the option \(Self.name(of: option)): \(String(cString: curl_easy_strerror(code))); this libcurl may be too old or built without it")
  }

  /// CURLOPT_NAME, as libcurl knows it.
  static func name(of option: CURLoption) -> String {
    if let described = curl_easy_option_by_id(option), let name = described.pointee.name {
      return "CURLOPT_" + String(cString: name)
    }
    return "option \(option.rawValue)"
  }
}
