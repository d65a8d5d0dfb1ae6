/// How people ask to be taken off a list, by language, lowercased. A short reply that
/// contains one of them is a request to unsubscribe.
enum UnsubscribeWords {
  /// Phrases by language (ISO 639-1). Each is specific enough to mean "remove me" wherever
  /// it stands in a short reply.
  static let phrases: [String: [String]] = [
    "en": [
      "unsubscribe", "unsubcribe", "unsuscribe", "remove me", "take me off", "opt out", "opt-out", "stop sending",
      "no longer wish to receive", "no longer want to receive", "don't want to receive", "do not want to receive",
      "don't send me", "do not send me", "delete me from", "remove my address", "remove my email", "remove my e-mail",
      "remove my name", "off your list", "off your mailing list", "off the list", "off this list",
    ],
    "de": [
      "abmelden", "abbestellen", "austragen", "aus dem verteiler", "aus ihrem verteiler", "aus dem presseverteiler",
      "vom verteiler", "aus der liste", "aus ihrer liste", "aus dem newsletter", "abmeldung", "keine e-mails mehr",
      "keine mails mehr", "keine weiteren e-mails", "keine weiteren mails", "nicht mehr erhalten", "nicht mehr zusenden",
      "nicht mehr bekommen", "löschen sie mich", "streichen sie mich", "nehmen sie mich aus", "entfernen sie mich",
    ],
    "fr": [
      "désabonner", "desabonner", "désinscrire", "desinscrire", "désinscription", "desinscription", "désabonnement",
      "desabonnement", "retirez-moi", "retirez moi", "supprimez-moi", "supprimez moi", "ne plus recevoir",
      "retirer mon adresse", "retirez mon adresse", "supprimer mon adresse", "de votre liste",
    ],
    "es": [
      "darse de baja", "darme de baja", "dame de baja", "denme de baja", "deme de baja", "baja de la lista",
      "cancelar suscripción", "cancelar la suscripción", "cancelar suscripcion", "cancelar la suscripcion",
      "no deseo recibir", "no quiero recibir", "elimíneme", "elimineme", "eliminarme de", "borrarme de", "quitarme de",
    ],
    "it": [
      "cancellami", "cancellatemi", "disiscrivere", "disiscrivermi", "disiscrizione", "rimuovetemi", "rimuovermi",
      "rimuovere il mio indirizzo", "non voglio più ricevere", "non desidero più ricevere", "toglietemi",
    ],
    "nl": [
      "afmelden", "uitschrijven", "schrijf mij uit", "schrijf me uit", "verwijder mij", "verwijder me",
      "geen berichten meer", "geen e-mails meer", "niet meer ontvangen",
    ],
    "pt": [
      "descadastrar", "descadastre", "descadastro", "cancelar inscrição", "cancelar a inscrição", "cancelar inscricao",
      "cancelar subscrição", "remover meu", "remova meu", "remova-me", "retirar meu", "não quero receber",
      "nao quero receber", "não desejo receber",
    ],
    "pl": [
      "wypisz", "wypisać", "wypiszcie", "wypisanie", "usuń mnie", "usuńcie mnie", "usunięcie mojego", "rezygnuję",
      "nie chcę otrzymywać",
    ],
    "ru": [
      "отписаться", "отпишите", "отписка", "удалите меня", "удалить меня", "исключите меня", "не присылайте",
      "больше не присылать", "не хочу получать",
    ],
    "sv": [
      "avregistrera", "avsluta prenumeration", "avsluta min prenumeration", "avprenumerera", "ta bort mig",
      "ta bort min adress", "vill inte ha fler", "vill inte längre få",
    ],
  ]

  /// Whole replies of one word that mean the same ("STOP", "Remove.").
  static let singleWords: Set<String> = [
    "stop", "remove", "delete", "unsubscribe", "stopp", "löschen", "abmelden", "supprimer", "baja", "cancella", "afmelden",
  ]

  /// The phrases as bytes, for fast search.
  private static let patterns: [String: [[UInt8]]] = phrases.mapValues(ByteText.patterns)

  /// The language of the first phrase in `lowered` (lowercased UTF-8) among `languages`, or nil.
  static func language(of lowered: [UInt8], in languages: [String]) -> String? {
    for language in languages {
      guard let list = patterns[language] else { continue }
      if list.contains(where: { ByteText.find($0, in: lowered) != nil }) { return language }
    }
    return nil
  }
}
