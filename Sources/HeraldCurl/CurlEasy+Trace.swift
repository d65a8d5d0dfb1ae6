import CCurl

/// Receives libcurl's trace of a dialogue (CURLOPT_DEBUGFUNCTION): its notes, the lines it
/// sent and received. The receiver decides what reaches a log, and withholds credentials.
package protocol CurlTraceReceiver: AnyObject {
  /// One piece of the trace: `type` says whether it is a note, a line in or a line out.
  func curlTrace(_ type: curl_infotype, _ bytes: UnsafeRawBufferPointer)
}

extension CurlEasy {
  /// Sends libcurl's trace to `receiver` (CURLOPT_VERBOSE alone would print it, AUTH lines
  /// and all, on standard error). libcurl does not keep the receiver alive: call
  /// `stopTracing()` before it goes.
  package func trace(to receiver: some CurlTraceReceiver) throws {
    try set(CURLOPT_VERBOSE, 1)
    try setDebugCallback { _, type, data, size, context in
      guard let data, let context else { return 0 }
      let receiver = Unmanaged<AnyObject>.fromOpaque(context).takeUnretainedValue() as? any CurlTraceReceiver
      receiver?.curlTrace(type, UnsafeRawBufferPointer(start: data, count: size))
      return 0
    }
    try set(CURLOPT_DEBUGDATA, pointer: Unmanaged.passUnretained(receiver as AnyObject).toOpaque())
  }

  /// Ends the trace; its receiver is no longer called.
  package func stopTracing() {
    try? set(CURLOPT_VERBOSE, 0)
    try? set(CURLOPT_DEBUGDATA, pointer: nil)
  }
}
