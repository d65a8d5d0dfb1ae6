import Foundation

extension MailDate {
  /// Reads an RFC 5322 date, "Sun, 29 Nov 2026 08:16:21 +0100", and its obsolete and
  /// common broken forms: no day name, no seconds, two- or three-digit years (RFC 5322 §4.3),
  /// zone names (UT, GMT, EST…PDT, military letters as -0000), no zone (read as UTC),
  /// comments, "29-Nov-2026", "Sun Nov 29 08:16:21 2026" (asctime), "+01:00". Nil when no
  /// valid date is found.
  static func parse(_ text: String) -> Date? {
    var text = text
    return text.withUTF8 { bytes in
      var fields = DateFields()
      // Words split at whitespace and commas, comments dropped.
      var start: Int?
      var index = 0
      while index <= bytes.count {
        let ends =
          index == bytes.count || bytes[index] == UInt8(ascii: "(") || bytes[index] == UInt8(ascii: ",")
          || MIMEParameters.isWhitespace(bytes[index])
        guard ends else {
          if start == nil { start = index }
          index += 1
          continue
        }
        if let wordStart = start {
          guard read(UnsafeBufferPointer(rebasing: bytes[wordStart..<index]), into: &fields) else { return nil }
          start = nil
        }
        index =
          index < bytes.count && bytes[index] == UInt8(ascii: "(")
          ? MIMEParameters.skipComment(bytes, from: index) : index + 1
      }
      return fields.date
    }
  }

  /// Takes in one word, split further where needed: "08:16:21+0100" before its zone,
  /// "29-Nov-2026" at its dashes (a zone "-0500" starts with its dash and stays whole).
  private static func read(_ word: UnsafeBufferPointer<UInt8>, into fields: inout DateFields) -> Bool {
    let hasColon = word.contains(UInt8(ascii: ":"))
    if hasColon, word.count > 1,
      let sign = word.dropFirst().firstIndex(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") })
    {
      return fields.read(UnsafeBufferPointer(rebasing: word[..<sign]))
        && fields.read(UnsafeBufferPointer(rebasing: word[sign...]))
    }
    if !hasColon, word.count > 1, word.dropFirst().contains(UInt8(ascii: "-")),
      word.contains(where: { DateFields.isLetter($0) })
    {
      for piece in word.split(separator: UInt8(ascii: "-")) {
        guard fields.read(UnsafeBufferPointer(rebasing: piece)) else { return false }
      }
      return true
    }
    return fields.read(word)
  }

  /// The parts of a date as they are found.
  private struct DateFields {
    var day: Int?
    var month: Int?
    var year: Int?
    var yearDigits = 0
    var time: (hour: Int, minute: Int, second: Int)?
    var offset: Int?  // seconds east of UTC

    /// The first three letters of month and day names, as one number each ("jan" → 0x6A616E).
    static let months: [UInt32] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
      .map(key)
    static let days: [UInt32] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map(key)
    /// RFC 5322 §4.3's zone names, and a few others seen in the wild, in hours east of UTC.
    static let zones: [String: Int] = [
      "ut": 0, "utc": 0, "gmt": 0, "z": 0, "edt": -4, "est": -5, "cdt": -5, "cst": -6, "mdt": -6, "mst": -7,
      "pdt": -7, "pst": -8, "cet": 1, "met": 1, "cest": 2, "mest": 2, "bst": 1, "eet": 2, "eest": 3, "jst": 9,
    ]

    static func key(_ name: String) -> UInt32 {
      name.utf8.prefix(3).reduce(0) { $0 << 8 | UInt32($1) }
    }

    static func isLetter(_ byte: UInt8) -> Bool {
      (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
    }

    static func isDigit(_ byte: UInt8) -> Bool {
      byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// The value of a run of digits (at most 9), nil when it is not one.
    static func number(_ digits: some Collection<UInt8>) -> Int? {
      guard !digits.isEmpty, digits.count <= 9 else { return nil }
      var value = 0
      for byte in digits {
        guard isDigit(byte) else { return nil }
        value = value * 10 + Int(byte - UInt8(ascii: "0"))
      }
      return value
    }

    /// Takes in one token; false when it cannot be part of a date.
    mutating func read(_ token: UnsafeBufferPointer<UInt8>) -> Bool {
      guard let first = token.first else { return true }
      if first == UInt8(ascii: "+") || first == UInt8(ascii: "-"), token.count > 1 {
        return readOffset(sign: first == UInt8(ascii: "-") ? -1 : 1, token.dropFirst())
      }
      if token.contains(UInt8(ascii: ":")) { return readTime(token) }
      if let value = Self.number(token) {
        if day == nil, token.count <= 2, value >= 1, value <= 31 {
          day = value
        } else if year == nil {
          year = value
          yearDigits = token.count
        } else {
          return false
        }
        return true
      }
      if token.allSatisfy(Self.isLetter) {
        let lower = token.map { $0 | 0x20 }
        let key = lower.prefix(3).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        if lower.count >= 3, month == nil, let index = Self.months.firstIndex(of: key) {
          month = index + 1
        } else if lower.count >= 3, Self.days.contains(key) {
          // The day of the week says nothing the date does not.
        } else if let hours = Self.zones[String(decoding: lower, as: UTF8.self)] {
          if offset == nil { offset = hours * 3600 }
        } else if lower.count == 1 {
          // Military zones: their meaning was never agreed (RFC 5322 §4.3), so -0000.
          if offset == nil { offset = 0 }
        }
        // Other words ("at", unknown zone names) are ignored.
        return true
      }
      // "1." (a day with a dot), as some clients write.
      if token.last == UInt8(ascii: "."), day == nil, let value = Self.number(token.dropLast()), value >= 1, value <= 31
      {
        day = value
        return true
      }
      return false
    }

    mutating func readTime(_ token: UnsafeBufferPointer<UInt8>) -> Bool {
      let parts = token.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
      guard time == nil, parts.count == 2 || parts.count == 3 else { return false }
      let numbers = parts.map { $0.count <= 2 ? Self.number($0) : nil }
      guard let hour = numbers[0], let minute = numbers[1], hour <= 23, minute <= 59 else { return false }
      let second = parts.count == 3 ? numbers[2] : 0
      guard let second, second <= 60 else { return false }
      time = (hour, minute, second)
      return true
    }

    mutating func readOffset(sign: Int, _ token: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
      let digits = token.filter { $0 != UInt8(ascii: ":") }
      guard let value = Self.number(digits) else { return false }
      let hours: Int
      let minutes: Int
      switch digits.count {
      case 4: (hours, minutes) = (value / 100, value % 100)
      case 1, 2: (hours, minutes) = (value, 0)
      default: return offset != nil  // a second, garbled zone after a good one: ignored
      }
      guard hours <= 23, minutes <= 59 else { return false }
      if offset == nil { offset = sign * (hours * 3600 + minutes * 60) }
      return true
    }

    var date: Date? {
      guard let day, let month, var year else { return nil }
      // RFC 5322 §4.3: two-digit years below 50 are 20xx, others and three-digit years 1900 + n.
      if yearDigits <= 2 { year += year < 50 ? 2000 : 1900 } else if yearDigits == 3 { year += 1900 }
      guard year >= 1000, year <= 9999, day <= Self.daysIn(month: month, year: year) else { return nil }
      let time = self.time ?? (0, 0, 0)
      let seconds =
        Self.daysSinceEpoch(year: year, month: month, day: day) * 86_400 + time.hour * 3600
        + time.minute * 60 + time.second - (offset ?? 0)
      return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    static func daysIn(month: Int, year: Int) -> Int {
      switch month {
      case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
      case 4, 6, 9, 11: 30
      default: 31
      }
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm; the
    /// inverse of `MailDate.civilDate`).
    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
      let year = month <= 2 ? year - 1 : year
      let era = (year >= 0 ? year : year - 399) / 400
      let yearOfEra = year - era * 400
      let dayOfYear = (153 * ((month + 9) % 12) + 2) / 5 + day - 1
      let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
      return era * 146_097 + dayOfEra - 719_468
    }
  }
}
