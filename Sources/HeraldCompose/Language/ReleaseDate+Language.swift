import Foundation

extension ReleaseDate {
  /// The date written out as a reader of `language` writes it: "31 March 2020" (English,
  /// as Herald has always written it), "31 марта 2020 г.", "31. März 2020", "31 mars 2020",
  /// "31 de marzo de 2020" (ICU's long date style for the language's primary subtag; in
  /// Russian with a narrow no-break space, U+202F, before "г.", which keeps it on the year's line).
  package func longForm(in language: String?) -> String {
    let code = LanguageTag.primary(language ?? "en")
    if code == "en" || code.isEmpty {
      let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
      return "\(day) \(months[month - 1]) \(year)"
    }
    let zone = TimeZone(secondsFromGMT: 0)!
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = zone
    guard let date = calendar.date(from: DateComponents(year: year, month: month, day: day, hour: 12)) else { return description }
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: code)
    formatter.calendar = calendar
    formatter.timeZone = zone
    formatter.dateStyle = .long
    formatter.timeStyle = .none
    return formatter.string(from: date)
  }
}
