import HeraldCore
import Testing

struct ByteCountTests {
  @Test(arguments: [
    (0, "0 bytes"), (1, "1 byte"), (999, "999 bytes"), (1_000, "1 KB"), (1_050, "1.1 KB"), (10_000, "10 KB"), (99_940, "99.9 KB"),
    (99_960, "100 KB"), (312_400, "312 KB"), (999_499, "999 KB"), (999_600, "1 MB"), (2_100_000, "2.1 MB"), (2_149_000, "2.1 MB"),
    (20_971_520, "21 MB"), (150_000_000, "150 MB"), (4_700_000_000, "4.7 GB"),
  ])
  func aSizeIsShownInTheLargestUnitThatKeepsItAtLeastOne(bytes: Int, shown: String) {
    #expect(ByteCount.formatted(bytes) == shown)
  }
}
