import Foundation
import Testing
@testable import SwitchyardEngine
import SwitchyardTestSupport

/// compozy's `engine/autoload/discoverer_test.go` on the same file tree
/// (Fixtures/compozy/autoload/discoverer), and the glob syntax its doublestar patterns use.
@Suite(.timeLimit(.minutes(1)))
struct AutoloadDiscoveryTests {
    static let tree = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/compozy/autoload/discoverer").path

    func discover(_ include: [String], _ exclude: [String] = [], in root: String = tree) -> [String] {
        let (files, problems) = AutoloadDiscovery.files(in: root, include: include, exclude: exclude)
        #expect(problems.isEmpty, "\(problems)")
        return files
    }

    @Test func basicPatternsMatchOneDirectory() {
        #expect(discover(["workflows/*.yaml"]) == ["workflows/admin.yaml", "workflows/user.yaml"])
    }

    @Test func doubleStarMatchesAnyDepthIncludingNone() {
        #expect(discover(["workflows/**/*.yaml"]) == ["workflows/admin.yaml", "workflows/test/test.yaml", "workflows/user.yaml"])
    }

    @Test func multipleIncludesAreUnitedAndTheEmacsLockFileIsExcluded() {
        #expect(discover(["workflows/*.yaml", "tasks/*.yaml"])
            == ["tasks/email.yaml", "tasks/webhook.yaml", "workflows/admin.yaml", "workflows/user.yaml"])
    }

    @Test func defaultExcludesDropEditorAndBackupFiles() {
        let files = discover(["**/*"])
        #expect(!files.contains { $0.contains(".#") || $0.hasSuffix("~") || $0.hasSuffix(".bak") })
        #expect(files.count == 9, "\(files)")
    }

    @Test func customExcludesMatchTheRelativePath() {
        let files = discover(["**/*.yaml"], ["**/test/**", "workflows/*"])
        #expect(!files.contains("workflows/user.yaml"))
        #expect(!files.contains("workflows/test/test.yaml"))
        #expect(!files.contains("test/fixture.yaml"))
        #expect(files.contains("tasks/email.yaml"))
        #expect(files.contains("agents/chatbot.yaml"))
    }

    @Test func emptyIncludesFindNothingAndDuplicatesAreFoundOnce() {
        #expect(discover([]).isEmpty)
        #expect(discover(["tasks/*.yaml", "tasks/email.yaml"]) == ["tasks/email.yaml", "tasks/webhook.yaml"])
    }

    @Test func patternsThatLeaveTheProjectAreRefused() {
        for (pattern, reason) in [
            ("/etc/passwd", "absolute paths not allowed: /etc/passwd"),
            ("../../../etc/passwd", "parent directory references not allowed: ../../../etc/passwd"),
            ("workflows/../../../etc/passwd", "parent directory references not allowed: workflows/../../../etc/passwd"),
        ] {
            let (files, problems) = AutoloadDiscovery.files(in: Self.tree, include: [pattern], exclude: [])
            #expect(files.isEmpty)
            #expect(problems == [.init(list: "include", index: 0, reason: reason)])
        }
        // Cleaned, `a/../b` stays inside (compozy cleans before it checks).
        #expect(AutoloadDiscovery.traversalProblem("workflows/../tasks/*.yaml") == nil)
    }

    @Test func edgeCaseNamesAndInvalidGlobs() throws {
        let root = TemporaryDirectory.make("switchyard-autoload-edge")
        for name in ["config.yaml", "dir1/config.yaml", "dir2/config.yaml", "space name.yaml", "special-chars!@#.yaml"] {
            let path = root + "/" + name
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try "test".write(toFile: path, atomically: true, encoding: .utf8)
        }
        #expect(discover(["**/config.yaml"], in: root) == ["config.yaml", "dir1/config.yaml", "dir2/config.yaml"])
        #expect(discover(["*.yaml"], in: root).contains("space name.yaml"))
        #expect(discover(["special-*.yaml"], in: root) == ["special-chars!@#.yaml"])
        let (_, problems) = AutoloadDiscovery.files(in: root, include: ["[invalid"], exclude: ["{open"])
        #expect(problems == [
            .init(list: "include", index: 0, reason: "invalid glob pattern \"[invalid\": unclosed \"[\""),
            .init(list: "exclude", index: 0, reason: "invalid glob pattern \"{open\": unclosed \"{\""),
        ])
    }

    @Test func symbolicLinksToDirectoriesAreNotFollowedAndFilesAreKept() throws {
        let root = TemporaryDirectory.make("switchyard-autoload-links")
        try FileManager.default.createDirectory(atPath: root + "/real", withIntermediateDirectories: true)
        try "test".write(toFile: root + "/real/a.yaml", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: root + "/linked", withDestinationPath: root + "/real")
        try FileManager.default.createSymbolicLink(atPath: root + "/b.yaml", withDestinationPath: root + "/real/a.yaml")
        #expect(discover(["**/*.yaml"], in: root) == ["b.yaml", "real/a.yaml"])
    }

    @Test func globSyntax() throws {
        func matches(_ pattern: String, _ path: String) throws -> Bool { try GlobPattern(pattern).matches(path) }
        #expect(try matches("*.yaml", ".hidden.yaml"))  // doublestar: dot files are not special
        #expect(try !matches("*.yaml", "a/b.yaml"))
        #expect(try matches("a/**", "a/b/c.yaml"))
        #expect(try matches("**", "x.yaml"))
        #expect(try matches("a/**/b.yaml", "a/b.yaml"))
        #expect(try matches("a/**/b.yaml", "a/x/y/b.yaml"))
        #expect(try matches("a**.yaml", "abc.yaml"))  // not a whole segment: a plain *
        #expect(try !matches("a**.yaml", "a/c.yaml"))
        #expect(try matches("file?.yaml", "file1.yaml"))
        #expect(try !matches("file?.yaml", "file10.yaml"))
        #expect(try matches("[a-c]*.yaml", "beta.yaml"))
        #expect(try !matches("[!a-c]*.yaml", "beta.yaml"))
        #expect(try matches("[^a-c]*.yaml", "delta.yaml"))
        #expect(try matches("{agents,tools}/*.yaml", "tools/x.yaml"))
        #expect(try matches("{a/{b,c},d}/*.yml", "a/c/x.yml"))
        #expect(try !matches("{agents,tools}/*.yaml", "tasks/x.yaml"))
        #expect(try matches("\\*.yaml", "*.yaml"))
        #expect(try !matches("\\*.yaml", "a.yaml"))
        #expect(throws: GlobPattern.Problem.self) { try GlobPattern("a\\") }
        #expect(throws: GlobPattern.Problem.self) { try GlobPattern("[ab") }
    }
}
