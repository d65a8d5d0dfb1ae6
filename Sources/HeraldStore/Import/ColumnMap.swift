import Foundation

/// Which CSV column holds what: found from the header row, understanding Herald's own
/// export and the column names of Mailchimp and listmonk exports. Every other column
/// becomes a custom attribute, named after its header.
struct ColumnMap {
  var email: Int
  var name: Int?
  var firstName: Int?
  var lastName: Int?
  var organization: Int?
  var language: Int?
  /// listmonk keeps custom attributes as one JSON object.
  var attributesJSON: Int?
  /// Other columns, kept as attributes: (column, attribute name).
  var attributes: [(Int, String)] = []

  // Headers in English, then in the languages of the lists (Swedish, Danish, Norwegian,
  // Finnish, German, Dutch, French, Spanish, Italian, Portuguese, Polish, Czech, Russian,
  // Ukrainian), compared lowercased with "_" as a space.
  static let emailNames: Set<String> = [
    "email", "email address", "e-mail", "e-mail address", "mail", "emailaddress",
    "e-post", "epost", "e-postadress", "epostadress", "e-postadresse", "e-mailadresse", "sähköposti", "sähköpostiosoite",
    "e-mail-adresse", "emailadresse", "e-mailadres", "courriel", "adresse e-mail", "adresse email", "adresse électronique",
    "adresse courriel", "correo", "correo electrónico", "correo electronico", "posta elettronica", "indirizzo email",
    "endereço de email", "endereço de e-mail", "adres e-mail", "e-mailová adresa", "почта", "эл. почта", "эл.почта",
    "электронная почта", "адрес электронной почты", "e-mail адрес", "email адрес", "електронна пошта", "пошта",
  ]
  static let nameNames: Set<String> = [
    "name", "full name", "fullname", "display name",
    "namn", "fullständigt namn", "navn", "fulde navn", "fullt navn", "nimi", "koko nimi", "vollständiger name", "naam",
    "volledige naam", "nom", "nom complet", "nombre completo", "nome", "nome completo", "imię i nazwisko", "jméno",
    "celé jméno", "имя", "фио", "полное имя", "ім'я", "піб",
  ]
  static let firstNames: Set<String> = [
    "first name", "firstname", "given name", "fname",
    "förnamn", "fornavn", "etunimi", "vorname", "voornaam", "prénom", "prenom", "nombre", "nome proprio", "primeiro nome",
    "imię", "křestní jméno",
  ]
  static let lastNames: Set<String> = [
    "last name", "lastname", "surname", "family name", "lname",
    "efternamn", "efternavn", "etternavn", "sukunimi", "nachname", "familienname", "achternaam", "nom de famille",
    "apellido", "apellidos", "cognome", "sobrenome", "apelido", "nazwisko", "příjmení", "фамилия", "прізвище",
  ]
  static let organizationNames: Set<String> = [
    "organization", "organisation", "company", "org", "employer", "newsroom", "outlet", "media",
    "företag", "redaktion", "tidning", "medie", "virksomhed", "firma", "organisasjon", "organisaatio", "yritys", "media-alusta",
    "unternehmen", "medium", "organisatie", "bedrijf", "redactie", "organisme", "société", "entreprise", "média", "rédaction",
    "organización", "empresa", "medio", "organizzazione", "azienda", "testata", "organização", "organizacja", "redakcja",
    "organizace", "redakce", "организация", "компания", "издание", "сми", "редакция", "організація", "видання",
  ]
  static let languageNames: Set<String> = [
    "language", "lang", "locale",
    "språk", "sprog", "kieli", "sprache", "taal", "langue", "idioma", "lingua", "língua", "język", "jazyk", "язык", "мова",
  ]
  /// A name column that is a part of the name when the file has the other part: French
  /// "Nom" beside "Prénom" is the family name, Russian "Имя" beside "Фамилия" the given one.
  static let namePartNames: [String: NamePart] = ["nom": .last, "имя": .first, "ім'я": .first, "jméno": .first, "nome": .first, "navn": .first]

  enum NamePart { case first, last }

  /// Columns that describe a subscription in another system (status, dates, Mailchimp's
  /// rating and geo data), not the person: not imported.
  static let ignoredNames: Set<String> = [
    "status", "status since", "created at", "updated at", "subscribed at", "uuid", "id", "member rating", "optin time", "optin ip",
    "confirm time", "confirm ip", "latitude", "longitude", "gmtoff", "dstoff", "timezone", "cc", "region",
    "last changed", "leid", "euid", "notes", "tags", "unsub time", "unsub campaign title", "unsub campaign id",
    "unsub reason", "unsub reason other", "cleaned time", "cleaned campaign title", "cleaned campaign id",
  ]

  /// Lowercase, with "_" and runs of spaces as one space: "Email_Address" → "email address".
  static func normalize(_ header: String) -> String {
    header.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
      .replacingOccurrences(of: "_", with: " ")
      .split(separator: " ").joined(separator: " ")
  }

  /// Reads the header row.
  /// - Throws: `StoreError` `.importFailed` when there is no email column or a header repeats.
  init(header: [String], file: String, line: Int) throws {
    var seen: [String: Int] = [:]
    var email: Int?
    for (index, cell) in header.enumerated() {
      let raw = SubscriberText.unneutralized(cell)
      let key = Self.normalize(raw)
      if key.isEmpty { continue }
      if let first = seen[key] {
        throw StoreError(.importFailed, "\(file):\(line): the column “\(raw)” appears twice (columns \(first + 1) and \(index + 1)); rename or remove one. Nothing was imported")
      }
      seen[key] = index
      switch key {
      case _ where Self.emailNames.contains(key): email = email ?? index
      case _ where Self.nameNames.contains(key): name = name ?? index
      case _ where Self.firstNames.contains(key): firstName = firstName ?? index
      case _ where Self.lastNames.contains(key): lastName = lastName ?? index
      case _ where Self.organizationNames.contains(key): organization = organization ?? index
      case _ where Self.languageNames.contains(key): language = language ?? index
      case "attributes", "attribs": attributesJSON = index
      case _ where Self.ignoredNames.contains(key): break
      default: attributes.append((index, raw.trimmingCharacters(in: .whitespacesAndNewlines)))
      }
    }
    // "Nom" with "Prénom", "Имя" with "Фамилия": the name column is one part of the name.
    if let column = name, let part = Self.namePartNames[Self.normalize(header[column])], (firstName ?? lastName) != nil {
      switch part {
      case .last where lastName == nil: (lastName, name) = (column, nil)
      case .first where firstName == nil: (firstName, name) = (column, nil)
      default: break
      }
    }
    guard let email else {
      let found = header.map { "“\($0)”" }.joined(separator: ", ")
      throw StoreError(.importFailed, "\(file):\(line): there is no email column (found \(found)); name the column of addresses “email”. Nothing was imported")
    }
    self.email = email
  }

  init(email: Int) { self.email = email }

  /// The value of a column in a row, trimmed; nil when absent or empty.
  static func value(_ fields: [String], _ column: Int?) -> String? {
    guard let column, column < fields.count else { return nil }
    var field = fields[column]
    // A cell Herald's export neutralised against spreadsheet formulas ('=…) reads back as it was.
    if field.utf8.first == UInt8(ascii: "'") { field = SubscriberText.unneutralized(field) }
    // Most fields have no surrounding space: skip Foundation's trimming for them.
    if let first = field.utf8.first, let last = field.utf8.last, first > 0x20 && first < 0x7F && last > 0x20 && last < 0x7F {
      return field
    }
    guard let first = field.unicodeScalars.first, let last = field.unicodeScalars.last else { return nil }
    if !first.properties.isWhitespace && !last.properties.isWhitespace { return field }
    let value = field.trimmingCharacters(in: .whitespacesAndNewlines)
    return value.isEmpty ? nil : value
  }

  /// The display name: the name column, or first and last name joined.
  func name(in fields: [String]) -> String? {
    if let name = Self.value(fields, name) { return name }
    let parts = [Self.value(fields, firstName), Self.value(fields, lastName)].compactMap { $0 }
    return parts.isEmpty ? nil : parts.joined(separator: " ")
  }

  /// The custom attributes of a row.
  func attributes(in fields: [String]) -> [String: String] {
    var result: [String: String] = [:]
    if let json = Self.value(fields, attributesJSON), let data = json.data(using: .utf8),
      let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    {
      for (key, value) in object {
        if let string = value as? String { result[key] = string } else if !(value is NSNull) { result[key] = "\(value)" }
      }
    }
    for (column, name) in attributes {
      if let value = Self.value(fields, column) { result[name] = value }
    }
    return result
  }
}
