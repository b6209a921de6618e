// libFuzzer entry point: built only by `make fuzz` (OPCAT_FUZZ=1 with -sanitize=fuzzer).
// SwiftPM links executables with --defsym main=FuzzMXNet_main, so that symbol starts the driver.
import FuzzHarness

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

@_cdecl("FuzzMXNet_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { bytes, size in
        FuzzHarness.mxnet(UnsafeBufferPointer(start: bytes, count: size))
        return 0
    }
}
