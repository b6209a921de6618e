// libFuzzer's driver, shared by the four fuzz targets. Built only by `make fuzz` (OPCAT_FUZZ=1 with
// -sanitize=fuzzer), since the driver's symbol comes with the sanitizer; the tests link FuzzHarness
// without it.

// swift-format-ignore: AlwaysUseLowerCamelCase
// The C symbol libFuzzer exports.
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

/// The function the driver feeds. A C callback captures nothing, so it reads this global, set once
/// before the driver starts (libFuzzer runs inputs on the calling thread).
nonisolated(unsafe) private var target: (UnsafeBufferPointer<UInt8>) -> Void = { _ in }

/// Runs libFuzzer with the process's arguments, feeding every input to `body`.
public func runFuzzer(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
    _ body: @escaping (UnsafeBufferPointer<UInt8>) -> Void
) -> CInt {
    target = body
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { bytes, size in
        target(UnsafeBufferPointer(start: bytes, count: size))
        return 0
    }
}
