import HeraldCompose

/// A release's press kit as one ZIP, made in Media/: what it holds and its size.
struct PressKitZIP: Sendable, Hashable {
  /// The members and the digest that names the file.
  let archive: PressKitArchive
  /// Its size in bytes.
  let size: Int
}
