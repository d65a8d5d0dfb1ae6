import Foundation

/// What `--json` prints, for scripts: `Encodable` values, each with its keys in snake_case
/// written out in its `CodingKeys`, sorted, dates in ISO 8601 (UTC), slashes unescaped.
///
/// The keys are spelled out in each type's `CodingKeys` rather than left to a key strategy
/// such as `.convertToSnakeCase`: the contract with scripts is read where it is declared,
/// and keys that are data (a subscriber's attribute "deskPhone", a campaign's name, the
/// particulars of a bounce) are never within a strategy's reach.
enum JSONOutput {
  /// The one encoder configuration; `lines` leaves out the indentation, for one object
  /// per line (`herald inbox import --json`).
  static func encoder(lines: Bool = false) -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = lines ? [.sortedKeys, .withoutEscapingSlashes] : [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    return encoder
  }

  /// Prints a value as an indented JSON document.
  static func print(_ value: some Encodable) throws {
    Swift.print(String(decoding: try encoder().encode(value), as: UTF8.self))
  }

  /// Prints a value as one line of JSON, for output that is read line by line while it runs.
  static func printLine(_ value: some Encodable) throws {
    Swift.print(String(decoding: try encoder(lines: true).encode(value), as: UTF8.self))
  }
}

/// An optional that is always written: as `null` when absent. (A plain optional property
/// is left out when nil; scripts that read a key should find it there either way.)
@propertyWrapper
struct Nullable<Value: Encodable>: Encodable {
  var wrappedValue: Value?

  init(wrappedValue: Value?) {
    self.wrappedValue = wrappedValue
  }

  func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    if let wrappedValue { try container.encode(wrappedValue) } else { try container.encodeNil() }
  }
}

/// Any JSON value, decoded from JSON text and written back: what the store keeps as JSON
/// (a bounce's particulars) passed through to the output.
enum JSONValue: Codable, Equatable {
  case null
  case bool(Bool)
  case integer(Int64)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  /// The value of JSON text; nil when it is not JSON.
  init?(text: String) {
    guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) else { return nil }
    self = value
  }

  init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let value = try? container.decode(Bool.self) {
      self = .bool(value)
    } else if let value = try? container.decode(Int64.self) {
      self = .integer(value)
    } else if let value = try? container.decode(Double.self) {
      self = .number(value)
    } else if let value = try? container.decode(String.self) {
      self = .string(value)
    } else if let value = try? container.decode([JSONValue].self) {
      self = .array(value)
    } else {
      self = .object(try container.decode([String: JSONValue].self))
    }
  }

  /// The value with the keys of its objects in snake_case ("originalMessageID" becomes
  /// "original_message_id"): for JSON whose keys are a library's field names, never data.
  var snakeCased: JSONValue {
    switch self {
    case .array(let values): .array(values.map(\.snakeCased))
    case .object(let members): .object(Dictionary(members.map { (Self.snakeCase($0.key), $0.value.snakeCased) }) { first, _ in first })
    default: self
    }
  }

  /// "remoteMTA" → "remote_mta", "blamesSender" → "blames_sender": a word starts at a capital
  /// after a small letter or digit, and at the last capital of a run that a small letter follows.
  static func snakeCase(_ key: String) -> String {
    let characters = Array(key)
    var result = ""
    for (index, character) in characters.enumerated() {
      guard character.isUppercase else {
        result.append(character)
        continue
      }
      if index > 0 {
        let previous = characters[index - 1]
        let next = index + 1 < characters.count ? characters[index + 1] : nil
        if previous.isLowercase || previous.isNumber || (previous.isUppercase && next?.isLowercase == true) { result += "_" }
      }
      result += character.lowercased()
    }
    return result
  }

  func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    switch self {
    case .null: try container.encodeNil()
    case .bool(let value): try container.encode(value)
    case .integer(let value): try container.encode(value)
    case .number(let value): try container.encode(value)
    case .string(let value): try container.encode(value)
    case .array(let value): try container.encode(value)
    case .object(let value): try container.encode(value)
    }
  }
}
