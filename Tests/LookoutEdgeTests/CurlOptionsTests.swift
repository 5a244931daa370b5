import Foundation
@testable import LookoutHTTP
import LookoutCore
import Testing

/// Every libcurl option is checked: a transfer whose options did not all take never runs with weaker settings.
@Suite("libcurl options are checked")
struct CurlOptionsTests {
    let service = ServiceConfig(name: "probe", baseURL: "http://127.0.0.1:9")

    @Test func aRefusedProtocolListStopsTheProbe() throws {
        let refused = try #require(CurlTransfer(service: service, kind: .liveness, url: "http://127.0.0.1:9/health",
                                                startedAt: Date(), bodyLimit: 1024, protocols: "http,no-such-protocol"))
        let error = try #require(refused.setupError, "libcurl refuses an unknown protocol name")
        #expect(error.message.hasPrefix("libcurl refused CURLOPT_PROTOCOLS_STR: "))
        let result = refused.refusedResult(error)
        #expect(result.transportError == error && result.httpStatus == nil)
        let fine = try #require(CurlTransfer(service: service, kind: .liveness, url: "http://127.0.0.1:9/health",
                                             startedAt: Date(), bodyLimit: 1024))
        #expect(fine.setupError == nil)
    }

    @Test func aBlockingTransferWithARefusedOptionDoesNotRun() throws {
        let transfer = try #require(BlockingEasy(url: "http://127.0.0.1:9/", headerLines: ["Accept: */*"], protocols: "no-such-protocol"))
        let started = Date()
        let (code, status) = transfer.perform()
        #expect(status == nil)
        #expect(transfer.error(code).message.hasPrefix("libcurl refused CURLOPT_PROTOCOLS_STR: "))
        #expect(Date().timeIntervalSince(started) < 0.5, "it never connects")
        #expect(BlockingEasy(url: "http://127.0.0.1:9/", headerLines: [])?.setupError == nil)
    }
}
