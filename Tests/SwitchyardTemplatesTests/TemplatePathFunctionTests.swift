import Foundation
import Testing
import SwitchyardJSON
@testable import SwitchyardTemplates

/// Paths, URLs, the environment and semantic versions (sprig's path, url, os and semver tests).
@Suite(.timeLimit(.minutes(1)))
struct TemplatePathFunctionTests {
    @Test func paths() throws {
        #expect(try templateOutput(#"{{ base "foo/bar/baz.txt" }}|{{ base "/" }}|{{ base "" }}|{{ base "a/b/" }}"#) == "baz.txt|/|.|b")
        #expect(try templateOutput(#"{{ dir "foo/bar/baz" }}|{{ dir "baz" }}|{{ dir "/a" }}"#) == "foo/bar|.|/")
        #expect(try templateOutput(#"{{ clean "foo/../../bar//./baz" }}|{{ clean "/../x" }}|{{ clean "" }}"#) == "../bar/baz|/x|.")
        #expect(try templateOutput(#"{{ ext "foo.bar.tar.gz" }}|{{ ext "a.d/noext" }}"#) == ".gz|")
        #expect(try templateValue(#"{{ isAbs "/a" }}|{{ osIsAbs "a" }}"#) == "true|false")
        #expect(try templateOutput(#"{{ osBase "/x/y.z" }}|{{ osDir "/x/y.z" }}|{{ osExt "y.z" }}|{{ osClean "a//b" }}"#) == "y.z|/x|.z|a/b")
    }

    @Test func urls() throws {
        #expect(try templateValue(#"{{ urlParse "http://admin:secret@server.com:8080/api/path%20x?list=1#top" }}"#) == [
            "scheme": "http", "host": "server.com:8080", "hostname": "server.com", "path": "/api/path x",
            "query": "list=1", "opaque": "", "fragment": "top", "userinfo": "admin:secret",
        ])
        #expect(try templateValue(#"{{ (urlParse "mailto:someone@example.com").opaque }}"#) == "someone@example.com")
        #expect(try templateOutput(#"{{ urlJoin (dict "fragment" "fragment" "host" "host:80" "path" "/path" "query" "query" "scheme" "http") }}"#)
            == "http://host:80/path?query#fragment")
        #expect(try templateOutput(#"{{ urlJoin (dict "host" "h" "path" "a b" "scheme" "https" "userinfo" "u") }}"#) == "https://u@h/a%20b")
    }

    @Test func environment() throws {
        let home = ProcessInfo.processInfo.environment["HOME"] ?? ""
        #expect(try templateOutput(#"{{ env "HOME" }}"#) == home)
        #expect(try templateOutput(#"{{ env "SWITCHYARD_SURELY_UNSET_VARIABLE" }}"#) == "")
        #expect(try templateOutput(#"{{ expandenv "home=$HOME, ${HOME}; none=$SWITCHYARD_SURELY_UNSET_VARIABLE." }}"#)
            == "home=\(home), \(home); none=.")
    }

    @Test func semanticVersions() throws {
        #expect(try templateValue(#"{{ (semver "1.2.3-alpha.1+build.5").Major }}"#) == 1)
        #expect(try templateValue(#"{{ semver "v1.2" }}"#) == [
            "Major": 1, "Minor": 2, "Patch": 0, "Prerelease": "", "Metadata": "", "Original": "v1.2",
        ])
        let cases: [(String, String, Bool)] = [
            (">=1.2.3", "1.2.3", true), (">1.2.3", "1.2.3", false), ("<2", "1.9.9", true), ("<=1.2", "1.2.9", true),
            ("~1.2.3", "1.2.9", true), ("~1.2.3", "1.3.0", false), ("^1.2.3", "1.9.0", true), ("^1.2.3", "2.0.0", false),
            ("^0.2.3", "0.2.9", true), ("^0.2.3", "0.3.0", false), ("1.2.x", "1.2.7", true), ("1.2.x", "1.3.0", false),
            ("*", "4.5.6", true), ("!=1.2.3", "1.2.3", false), (">= 1.2, < 1.4", "1.3.5", true), (">= 1.2, < 1.4", "1.4.0", false),
            ("<1.0 || >=2.0", "2.1.0", true), ("<1.0 || >=2.0", "1.5.0", false), ("1.2 - 1.4.5", "1.4.5", true),
            ("1.2 - 1.4.5", "1.4.6", false), (">=1.2.3", "1.3.0-beta", false), (">=1.2.3-0", "1.3.0-beta", true),
            ("=1.2.3", "1.2.3", true),
        ]
        for (constraint, version, expected) in cases {
            #expect(try templateValue("{{ semverCompare \"\(constraint)\" \"\(version)\" }}") == .bool(expected), "\(constraint) \(version)")
        }
        #expect(templateError(#"{{ semver "one.two" }}"#)?.reason == #"semver: invalid semantic version "one.two""#)
    }
}
