/// libFuzzer's driver (compiler-rt's FuzzerDriver.cpp), linked in by `-sanitize=fuzzer`.
@_silgen_name("LLVMFuzzerRunDriver")
func llvmFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

/// Runs libFuzzer with the process's arguments and `target` as its `LLVMFuzzerTestOneInput`.
///
/// SwiftPM links an executable target with `main` defined as `<Target>_main` (so tests can link
/// it), which keeps libFuzzer's own `main` out; each fuzz target therefore defines
/// `<Target>_main` with `@_cdecl` and calls this, the documented way to start libFuzzer from a
/// program's own main (https://llvm.org/docs/LibFuzzer.html#using-libfuzzer-as-a-library).
public func runLibFuzzer(argc: CInt, argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                         target: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt {
    var argc = argc
    var argv = argv
    return llvmFuzzerRunDriver(&argc, &argv, target)
}
