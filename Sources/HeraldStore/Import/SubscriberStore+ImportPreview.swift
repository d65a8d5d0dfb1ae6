import Foundation

extension SubscriberStore {
  /// What an import of a CSV file would read, before anything is written: its encoding and
  /// delimiter as detected, what each column is taken for (`ColumnMap`, the import's own
  /// mapping), and its first rows as they will be read.
  package struct ImportPreview: Sendable {
    /// One column of the file and what the import takes it for.
    package struct Column: Sendable, Hashable {
      /// The header as written in the file.
      package var header: String
      package var role: Role
    }

    /// What a column is taken for.
    package enum Role: Sendable, Hashable {
      case email, name, firstName, lastName, organization, language
      /// listmonk's attributes, one JSON object.
      case attributesJSON
      /// A custom attribute, by its name.
      case attribute(String)
      /// A column Herald does not keep (listmonk's status, Mailchimp's ratings…), or one
      /// with no header.
      case ignored
    }

    package var encoding: CSVEncoding
    /// `,`, `;` or a tab.
    package var delimiter: Character
    package var columns: [Column]
    /// The first rows after the header, as the reader reads them (fields by column).
    package var rows: [CSVRecord]
    /// What the reader noticed (a byte order mark taken off, a guessed encoding…).
    package var warnings: [String]
  }

  /// The preview of `url` (named `displayName` in messages), with at most `rows` rows.
  /// - Throws: `.importFailed` naming the file and line when it cannot be read (a broken
  ///   quote, bad encoding), is empty, or has no email column: what the import would say.
  package func importPreview(_ url: URL, displayName: String, rows limit: Int = 5) throws -> ImportPreview {
    do {
      let reader = try CSVReader(url: url)
      guard let header = try reader.nextRecord() else {
        throw StoreError(.importFailed, "\(displayName) is empty: it needs a header row with an “email” column, then one row per subscriber")
      }
      let map = try ColumnMap(header: header.fields, file: displayName, line: header.line)
      var rows: [CSVRecord] = []
      while rows.count < limit, let record = try reader.nextRecord() { rows.append(record) }
      let columns = header.fields.enumerated().map { index, raw -> ImportPreview.Column in
        let role: ImportPreview.Role
        if index == map.email {
          role = .email
        } else if index == map.name {
          role = .name
        } else if index == map.firstName {
          role = .firstName
        } else if index == map.lastName {
          role = .lastName
        } else if index == map.organization {
          role = .organization
        } else if index == map.language {
          role = .language
        } else if index == map.attributesJSON {
          role = .attributesJSON
        } else {
          role = map.attributes.first { $0.0 == index }.map { .attribute($0.1) } ?? .ignored
        }
        return ImportPreview.Column(header: SubscriberText.unneutralized(raw), role: role)
      }
      return ImportPreview(encoding: reader.encoding, delimiter: reader.delimiter, columns: columns, rows: rows, warnings: reader.warnings)
    } catch let error as CSVError {
      // Named as the person knows the file, not by the temporary file it was kept in.
      throw StoreError(.importFailed, "\(displayName)\(error.line.map { ":\($0)" } ?? ""): \(error.message.hasSuffix(".") ? String(error.message.dropLast()) : error.message). Nothing was imported")
    }
  }
}
