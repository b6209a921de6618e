// libFuzzer entry point: built only by `make fuzz` (OPCAT_FUZZ=1 with -sanitize=fuzzer).
// SwiftPM links executables with --defsym main=FuzzMXNet_main, so that symbol starts the driver.
import FuzzDriver
import FuzzHarness

@_cdecl("FuzzMXNet_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, FuzzHarness.mxnet)
}
