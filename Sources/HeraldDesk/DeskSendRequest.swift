import Foundation
import HeraldCampaign
import HeraldCore

/// What a sender chose on a release's send page: the lists, now or a time, a correction of
/// an earlier campaign, and whether those who received it get it again. Kept as JSON with
/// the desk's record of the send, so that a send resumed after a restart asks for the same.
struct DeskSendRequest: Codable, Sendable, Equatable {
  /// The lists chosen (empty for a correction, which follows its original).
  var lists: [String] = []
  /// When it goes; nil for now.
  var sendAt: Date?
  /// The campaign of this release it corrects; nil for an ordinary send.
  var correctionOf: CampaignID?
  /// Whether those who already received the release get it again.
  var again = false

  /// The library's request for the release file at `path` (resuming `campaign` when given).
  func campaignRequest(path: String, resuming campaign: CampaignID? = nil) -> CampaignRequest {
    var request = CampaignRequest(release: path)
    request.lists = correctionOf == nil ? lists : []
    request.sendAt = sendAt
    request.correctionOf = correctionOf
    request.again = again
    request.resume = campaign
    return request
  }

  /// The request as the store keeps it.
  var json: String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    encoder.dateEncodingStrategy = .secondsSince1970
    // Encoding plain strings, dates and a flag cannot fail.
    return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
  }

  /// A request read back from the store; nil when it cannot be read.
  init?(json: String) {
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .secondsSince1970
    guard let request = try? decoder.decode(Self.self, from: Data(json.utf8)) else { return nil }
    self = request
  }

  init(lists: [String] = [], sendAt: Date? = nil, correctionOf: CampaignID? = nil, again: Bool = false) {
    self.lists = lists
    self.sendAt = sendAt
    self.correctionOf = correctionOf
    self.again = again
  }
}
