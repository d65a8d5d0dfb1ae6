import Foundation
import HeraldCampaign
import HeraldCore
import HeraldDelivery
import HeraldMail
import HeraldStore
import HeraldTesting
import HeraldWorkspace
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import HeraldWeb

/// A workspace with the sample release published and three lists: press-en (public,
/// single opt-in, reader1…3 subscribed), press-de (public, double opt-in, reader1
/// subscribed) and staff (not public). Its server runs on a free loopback port per test.
struct WebFixture {
  let workspace: Workspace
  let mailroom: Mailroom
  let server: WebServer
  /// The server's clock: it reads the real time until a test moves it.
  let clock = TestClock()

  /// - Parameters:
  ///   - web: lines of herald.yml's `web:` section ("  forms_per_minute: 1").
  ///   - storeBusyTimeout: how long the server's store writes wait for another process's.
  ///   - onUnsubscribeEvent: told what the server's service recording unsubscribes did.
  init(
    web: [String] = [], storeBusyTimeout: TimeInterval = SubscriberStore.defaultBusyTimeout,
    onUnsubscribeEvent: @escaping @Sendable (UnsubscribeService.Event) -> Void = { _ in }
  ) throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("herald-web-\(UUID().uuidString)")
    workspace = Workspace(root: root)
    try workspace.initialize()
    if !web.isEmpty {
      let yml = root.appendingPathComponent("herald.yml")
      try (String(contentsOf: yml, encoding: .utf8) + "\nweb:\n" + web.joined(separator: "\n") + "\n").write(to: yml, atomically: true, encoding: .utf8)
    }
    let store = try workspace.openStore()
    try store.createList(name: "press-en", title: "Press releases (English)")
    try store.updateList("press-en") { $0.isPublic = true; $0.consentText = "I agree to receive press releases by email." }
    try store.createList(name: "press-de", title: "Pressemitteilungen", language: "de", doubleOptIn: true)
    try store.updateList("press-de") { $0.isPublic = true }
    try store.createList(name: "staff", title: "Staff news")
    for index in 1...3 {
      try store.addSubscriber(email: "reader\(index)@example.com", name: "Reader \(index)", list: "press-en", source: .commandLine("test"))
    }
    try store.addSubscriber(email: "reader1@example.com", list: "press-de", source: .commandLine("test"))
    mailroom = try Mailroom(workspace: workspace, clock: clock.wallClock, storeBusyTimeout: storeBusyTimeout)
    try mailroom.publish(release: WorkspaceDefaults.sampleReleasePath, at: clock.now.addingTimeInterval(-3600))
    server = try WebServer(mailroom: mailroom, onUnsubscribeEvent: onUnsubscribeEvent)
  }

  var store: SubscriberStore { mailroom.store }

  /// The List-Unsubscribe token Herald puts in a message to `address` on `list`.
  func unsubscribeToken(_ address: String, list: String = "press-en") throws -> String {
    let id = try #require(try store.subscriber(address: address)).id
    return try workspace.linkSigner().unsubscribeToken(subscriber: id.description, list: list)
  }

  /// A form token as the page would have issued it `age` seconds ago.
  func formToken(_ form: String, age: TimeInterval = 10) -> String {
    server.formToken.issue(form: form, at: clock.now.addingTimeInterval(-age))
  }

  func status(_ address: String, _ list: String = "press-en") throws -> MembershipStatus? {
    try store.profile(email: address).memberships.first { $0.list == list }?.status
  }

  /// The messages waiting in the Outbox.
  func queued() throws -> [OutboxMessage] {
    try mailroom.outbox.list(state: .queue).map(\.message)
  }

  /// Runs `body` against the server listening on a free loopback port.
  @discardableResult
  func test<Value: Sendable>(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
    try await server.application(host: "127.0.0.1", port: 0).test(.live, body)
  }
}

/// An application/x-www-form-urlencoded body.
func formBody(_ fields: [(String, String)]) -> ByteBuffer {
  var allowed = CharacterSet.alphanumerics
  allowed.insert(charactersIn: "-._~")
  let text = fields.map { name, value in
    "\(name.addingPercentEncoding(withAllowedCharacters: allowed)!)=\(value.addingPercentEncoding(withAllowedCharacters: allowed)!)"
  }.joined(separator: "&")
  return ByteBuffer(string: text)
}

let formHeaders: HTTPFields = [.contentType: "application/x-www-form-urlencoded", .userAgent: "HeraldTests/1.0"]

extension TestResponse {
  /// The body as text.
  var text: String { String(buffer: body) }
}
