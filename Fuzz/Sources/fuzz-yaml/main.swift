import Foundation
import FuzzSupport
import SwitchyardEngine

// The project loader (Yams, the document decoder, the workflow validator with its templates and
// conditions) over any project: `ProjectLoader.validate` returns problems, never crashes.
//
// Input: the project file, then optionally a NUL byte and a workflow file, which the project may
// list as `workflow.yaml`. The loader reads files, so each input is written to a directory of
// this process's own, removed at exit.

let directory = FileManager.default.temporaryDirectory
    .appendingPathComponent("switchyard-fuzz-yaml-\(getpid())", isDirectory: true)
try! FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
atexit {
    try? FileManager.default.removeItem(
        at: FileManager.default.temporaryDirectory.appendingPathComponent("switchyard-fuzz-yaml-\(getpid())"))
}

func write(_ bytes: UnsafeRawBufferPointer, to name: String) {
    try! Data(bytes).write(to: directory.appendingPathComponent(name))
}

FuzzDriver.run { bytes in
    let parts = FuzzInput.parts(of: bytes, separatedBy: 0)
    write(parts[0], to: "compozy.yaml")
    write(parts.count > 1 ? parts[1] : UnsafeRawBufferPointer(start: nil, count: 0), to: "workflow.yaml")
    _ = ProjectLoader.validate(directory: directory.path)
}
