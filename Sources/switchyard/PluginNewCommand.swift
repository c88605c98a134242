import ArgumentParser
import Foundation

/// `switchyard plugin new NAME`: writes a buildable C plugin skeleton into `NAME/`.
struct PluginNewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Writes a C adapter skeleton into NAME/ (NAME.c, a Makefile using pkg-config, a project "
            + "for its test call); then `make`, `make check`, `make test` in it.")

    @Argument(help: "The plugin's name: lower-case letters, digits and _, starting with a letter.")
    var name: String

    @Option(help: "The directory to create the plugin's folder in.")
    var directory: String = "."

    func run() throws {
        guard PluginSkeleton.isValidName(name) else {
            throw CommandFailure.usage(
                "plugin new: \"\(name)\" is not a plugin name (lower-case letters, digits and _, starting with a letter, "
                + "at most 64 characters)")
        }
        let folder = URL(fileURLWithPath: directory).appendingPathComponent(name).path
        let files = FileManager.default
        guard !files.fileExists(atPath: folder) else {
            throw CommandFailure.usage("plugin new: \(folder) already exists; choose another name or --directory")
        }
        do {
            try files.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for file in PluginSkeleton.files(name: name) {
                try file.contents.write(toFile: folder + "/" + file.path, atomically: true, encoding: .utf8)
            }
        } catch {
            throw CommandFailure.usage("plugin new: cannot write \(folder): \(error.localizedDescription)")
        }
        print("wrote \(folder): \(PluginSkeleton.files(name: name).map(\.path).joined(separator: ", "))")
        print("next: cd \(folder) && make && make check && make test")
    }
}
