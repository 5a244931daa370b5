/// A runtime error whose message is shown as is (no usage text: the command line itself was fine).
struct LookoutError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
