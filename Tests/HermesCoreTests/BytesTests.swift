import Testing
@testable import HermesCore

private func b(_ s: String) -> Bytes { Array(s.utf8) }

@Suite("bytes helpers")
struct BytesTests {
    @Test("bytes helpers")
    func bytes() {
        var x = Bytes()
        x.add(decimal: UInt64(0)); x.append(0x20)
        x.add(decimal: UInt64.max); x.append(0x20)
        x.add(decimal: Int32(-42))
        #expect(x == b("0 18446744073709551615 -42"))
        #expect(b("abc").equals("abc"))
        #expect(!b("abc").equals("ab"))
    }

    @Test("parseID accepts decimal digits only, below 2^32-1")
    func ids() {
        #expect(parseID(b("0")) == 0)
        #expect(parseID(b("000")) == 0)
        #expect(parseID(b("4294967294")) == 4_294_967_294)
        #expect(parseID(b("4294967295")) == nil)
        #expect(parseID(b("")) == nil)
        #expect(parseID(b("1 ")) == nil)
        #expect(parseID(b("١")) == nil)
    }
}
