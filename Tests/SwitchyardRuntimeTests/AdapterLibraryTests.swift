import Foundation
import SwitchyardRuntime
import Testing

extension RuntimeTests {
    @Suite struct AdapterLibraryTests {
        @Test func loadsTheSwiftPMAndThePlainCCTextKit() throws {
            let swiftPM = try AdapterLibrary.load(Plugins.textKitSwiftPM)
            let plain = try AdapterLibrary.load(try Plugins.textKitPlainCC())
            for library in [swiftPM, plain] {
                #expect(library.adapterName == "textkit")
                #expect(library.adapterVersion == "1.0.0")
                #expect(library.abiMajor == 1 && library.abiMinor == 0)
            }
            #expect(swiftPM.path != plain.path)
        }

        @Test func thePlainCCBuildNeedsNoSwiftRuntimeAndExportsOneSymbol() throws {
            let path = try Plugins.textKitPlainCC()
            let libraries = try Plugins.output("/usr/bin/env", ["ldd", path])
            #expect(libraries.contains("libc.so"))
            #expect(!libraries.contains("libswift"))
            let exported = try Plugins.output("/usr/bin/env", ["nm", "-D", "--defined-only", path])
            #expect(exported.split(separator: "\n").map { $0.split(separator: " ").last.map(String.init) } == ["switchyard_adapter_entry"])
        }

        @Test func librariesAreCachedByRealPath() throws {
            let real = try Plugins.textKitPlainCC()
            let link = Plugins.directory + "/textkit-link.so"
            try? FileManager.default.removeItem(atPath: link)
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: real)
            let viaLink = try AdapterLibrary.load(link)
            #expect(viaLink === (try AdapterLibrary.load(real)))
            #expect(viaLink.path == real)
        }

        @Test func aMajorVersionMismatchIsAnABIError() throws {
            let path = try Plugins.fixture("abi_major_mismatch")
            #expect {
                try AdapterLibrary.load(path)
            } throws: { error in
                let error = error as! ToolError
                return error.kind == .abi && error.message.contains("adapter speaks ABI 2.x, host 1.x")
                    && error.message.contains(path)
            }
        }

        @Test func aMissingEntrySymbolIsNamed() throws {
            let path = try Plugins.fixture("missing_entry")
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
                try AdapterLibrary.load(Plugins.directory + "/no-such-adapter.so")
            } throws: { error in
                let error = error as! ToolError
                return error.kind == .load && error.message.contains("no-such-adapter.so")
            }
        }

        @Test func aWorldWritableLibraryIsRefused() throws {
            let copy = Plugins.directory + "/writable-textkit.so"
            try? FileManager.default.removeItem(atPath: copy)
            try FileManager.default.copyItem(atPath: try Plugins.textKitPlainCC(), toPath: copy)
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
            let path = try Plugins.textKitPlainCC()
            let elsewhere = Plugins.directory + "/elsewhere"
            try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
            #expect {
                try AdapterLibrary.load(path, policy: AdapterLoadPolicy(allowedDirectories: [elsewhere]))
            } throws: { error in
                let error = error as! ToolError
                return error.kind == .load && error.message.contains("outside the allowed directories")
            }
            let inside = try AdapterLibrary.load(
                path, policy: AdapterLoadPolicy(allowedDirectories: [Plugins.directory]))
            #expect(inside.adapterName == "textkit")
        }
    }
}
