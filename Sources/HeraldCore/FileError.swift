#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file that cannot be read or written: which file, what was being done, and the
/// system's reason (kept as `errno` and as the underlying error).
public struct FileError: HeraldError {
  /// What was being done.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Base: String { case read, write, exists }
    private let base: Base
    private init(_ base: Base) { self.base = base }
    /// Reading a file or folder failed.
    public static var read: Self { Self(.read) }
    /// Creating, writing, flushing or renaming failed.
    public static var write: Self { Self(.write) }
    /// The file is there already, and was not to be replaced.
    public static var exists: Self { Self(.exists) }
    public var description: String { base.rawValue }
  }

  /// The kind of failure.
  public var code: Code
  /// The file's path.
  public var path: String
  /// The system's error number, when a system call failed.
  public var errorNumber: Int32?
  public var message: String
  public var underlying: (any Error & Sendable)? { errorNumber.map(SystemError.init) }

  /// Makes an error from a failed system call: "cannot write PATH: No space left on device".
  /// - Parameters:
  ///   - doing: what failed, as a verb phrase: "cannot write", "cannot rename into place".
  ///   - code: The system's error number (the current `errno` by default).
  public init(_ code: Code, _ doing: String, path: String, errno number: Int32 = currentErrno(), hint: String? = nil) {
    self.code = code
    self.path = path
    self.errorNumber = number
    self.message = "\(doing) \(path): \(String(cString: strerror(number)))" + (hint.map { "; \($0)" } ?? "")
  }

  /// Makes an error with a message of its own (no system call failed).
  public init(_ code: Code, path: String, message: String) {
    self.code = code
    self.path = path
    self.errorNumber = nil
    self.message = message
  }
}

/// The calling thread's `errno`.
public func currentErrno() -> Int32 { errno }

/// A system call's error number, as an error value.
public struct SystemError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The `errno` value.
  public var number: Int32

  public init(_ number: Int32) {
    self.number = number
  }

  public var description: String { String(cString: strerror(number)) }
}
