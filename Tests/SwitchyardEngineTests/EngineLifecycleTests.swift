import Foundation
import Testing
import SwitchyardEngine
import SwitchyardJSON

@Suite(.timeLimit(.minutes(1)))
struct EngineLifecycleTests {
    /// Descriptors of this process open on files under `directory` (other tests run in
    /// parallel, so a process-wide count would be noise).
    static func openDescriptors(under directory: String) -> Int {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return entries.filter { entry in
            let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + entry)
            return target?.hasPrefix(directory) == true
        }.count
    }

    @Test func engineAndStoreReleaseTheirDescriptorsAndCanceledCallsAreUnwound() async throws {
        let project = try TestProject("""
            id: wf
            tasks:
              - id: fan
                type: parallel
                strategy: race
                tasks:
                  - {id: slow, tool: sleep, with: {ms: 30000}}
                  - {id: quick, tool: add, with: {a: 1, b: 1}}
            """)
        _ = try await project.run()
        #expect(Self.openDescriptors(under: project.directory) == 0)
        for _ in 0..<10 {
            let engine = try project.engine()
            let result = try await engine.run(workflowID: "wf")
            #expect(result.status == .success)
            #expect(Self.openDescriptors(under: project.directory) >= 1)  // the store is open while the engine lives
        }
        #expect(Self.openDescriptors(under: project.directory) == 0)
        // Every canceled sleep threw from inside the call: nothing was left running.
        #expect(project.adapter.canceled.withLock { $0 } == 11)
    }
}
