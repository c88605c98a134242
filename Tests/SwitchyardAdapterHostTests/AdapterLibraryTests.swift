import Foundation
import SwitchyardABI
import SwitchyardAdapterHost
import SwitchyardRuntime
import Testing

extension AdapterHostTests {
    @Suite struct AdapterLibraryTests {
        @Test func loadsTheSwiftPMAndThePlainCCTextKit() throws {
            let swiftPM = try AdapterLibrary.load(TestLibraries.textKitSwiftPM)
            let plain = try AdapterLibrary.load(try TestLibraries.textKitPlainCC())
            for library in [swiftPM, plain] {
                #expect(library.adapterName == "textkit")
                #expect(library.adapterVersion == "1.0.0")
                #expect(library.abiMajor == 1 && library.abiMinor == SY_ABI_VERSION_MINOR)
                #expect(!library.hasStatistics, "textkit leaves the optional 1.1 stats hook NULL")
            }
            #expect(swiftPM.path != plain.path)
        }

        @Test func thePlainCCBuildNeedsNoSwiftRuntimeAndExportsOneSymbol() throws {
            let path = try TestLibraries.textKitPlainCC()
            let libraries = try TestLibraries.output("/usr/bin/env", ["ldd", path])
            #expect(libraries.contains("libc.so"))
            #expect(!libraries.contains("libswift"))
            let exported = try TestLibraries.output("/usr/bin/env", ["nm", "-D", "--defined-only", path])
            #expect(exported.split(separator: "\n").map { $0.split(separator: " ").last.map(String.init) } == ["switchyard_adapter_entry"])
        }

        @Test func librariesAreCachedByRealPath() throws {
            let real = try TestLibraries.textKitPlainCC()
            let link = TestLibraries.directory + "/textkit-link.so"
            try? FileManager.default.removeItem(atPath: link)
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: real)
            let viaLink = try AdapterLibrary.load(link)
            #expect(viaLink === (try AdapterLibrary.load(real)))
            #expect(viaLink.path == real)
        }

        @Test func aMajorVersionMismatchIsAnABIError() throws {
            let path = try TestLibraries.fixture("abi_major_mismatch")
            #expect {
                try AdapterLibrary.load(path)
            } throws: { error in
                let error = error as! ToolError
                return error.kind == .abi && error.message.contains("adapter speaks ABI 2.x, host 1.x")
                    && error.message.contains(path)
            }
        }

        @Test func aMissingEntrySymbolIsNamed() throws {
            let path = try TestLibraries.fixture("missing_entry")
            #expect {
                try AdapterLibrary.load(path)
            } throws: { error in
                let error = error as! ToolError
                return error.kind == .load && error.message.contains("switchyard_adapter_entry")
                    && error.message.contains(path)
            }
        }

        @Test func aMissingLibraryIsALoadError() {
            #expect {
                try AdapterLibrary.load(TestLibraries.directory + "/no-such-adapter.so")
            } throws: { error in
                let error = error as! ToolError
                return error.kind == .load && error.message.contains("no-such-adapter.so")
            }
        }

        @Test func aWorldWritableLibraryIsRefused() throws {
            let copy = TestLibraries.directory + "/writable-textkit.so"
            try? FileManager.default.removeItem(atPath: copy)
            try FileManager.default.copyItem(atPath: try TestLibraries.textKitPlainCC(), toPath: copy)
            chmod(copy, 0o666)
            #expect {
                try AdapterLibrary.load(copy)
            } throws: { error in
                let error = error as! ToolError
                return error.kind == .load && error.message.contains("writable")
            }
            // The same file loads when the policy allows writable files.
            let library = try AdapterLibrary.load(copy, policy: AdapterLoadPolicy(refuseWritableByOthers: false))
            #expect(library.adapterName == "textkit")
        }

        @Test func aLibraryOutsideTheAllowedDirectoriesIsRefused() throws {
            let path = try TestLibraries.textKitPlainCC()
            let elsewhere = TestLibraries.directory + "/elsewhere"
            try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
            #expect {
                try AdapterLibrary.load(path, policy: AdapterLoadPolicy(allowedDirectories: [elsewhere]))
            } throws: { error in
                let error = error as! ToolError
                return error.kind == .load && error.message.contains("outside the allowed directories")
            }
            let inside = try AdapterLibrary.load(
                path, policy: AdapterLoadPolicy(allowedDirectories: [TestLibraries.directory]))
            #expect(inside.adapterName == "textkit")
        }
    }
}
