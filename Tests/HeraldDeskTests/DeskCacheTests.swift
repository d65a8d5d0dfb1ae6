import Foundation
import HeraldTesting
import Testing

@testable import HeraldDesk

struct DeskCacheTests {
  struct Failed: Error {}

  @Test func aValueIsUsedWhileYoungAndItsFilesUnchangedAndMadeAgainOtherwise() throws {
    let clock = TestClock(Date(timeIntervalSince1970: 1_800_000_000))
    let cache = DeskCache(clock: clock.wallClock)
    var made = 0
    func get(_ fingerprint: [String]) -> Int {
      cache.value("plan:a.md", fingerprint: fingerprint, lifetime: 3) {
        made += 1
        return made
      }
    }
    #expect(get(["1"]) == 1)
    clock.advance(by: 2)
    #expect(get(["1"]) == 1, "young and unchanged: kept")
    #expect(get(["2"]) == 2, "a file changed: made again at once")
    clock.advance(by: 3)
    #expect(get(["2"]) == 3, "too old: made again")
    // An error is not kept: the next request tries again.
    clock.advance(by: 5)
    #expect(throws: Failed.self) { try cache.value("plan:a.md", fingerprint: ["2"], lifetime: 3) { () throws -> Int in throw Failed() } }
    #expect(get(["2"]) == 4)
    cache.clear()
    #expect(get(["2"]) == 5)
  }

  @Test func whileOneRequestMakesAnOldValueAgainTheOthersUseTheOldOne() {
    let clock = TestClock(Date(timeIntervalSince1970: 1_800_000_000))
    let cache = DeskCache(clock: clock.wallClock)
    _ = cache.value("preview", fingerprint: ["f"], lifetime: 10) { "first" }
    clock.advance(by: 11)
    let refreshed = cache.value("preview", fingerprint: ["f"], lifetime: 10) { () -> String in
      // Another request meanwhile: the old value, not a second making.
      #expect(cache.value("preview", fingerprint: ["f"], lifetime: 10) { "made twice" } == "first")
      // But never a value whose files changed.
      #expect(cache.value("preview", fingerprint: ["g"], lifetime: 10) { "changed" } == "changed")
      return "second"
    }
    #expect(refreshed == "second")
    #expect(cache.value("preview", fingerprint: ["f"], lifetime: 10) { "third" } == "second")
  }
}
