import Foundation
import Synchronization
import Testing

/// opcat in a shell's habits: several paths and standard input for `count`, a directory without
/// a manifest, CSV that concatenates, and completion that completes (run through bash with the
/// generated script, as a shell runs it).
struct ShellTests {
    typealias CLI = CLITests

    /// `script` run by /bin/sh with `$OPCAT` the binary, in the repository root.
    static func sh(_ script: String) throws -> (status: Int32, stdout: String, stderr: String) {
        try shell("/bin/sh", script)
    }

    static func shell(_ shell: String, _ script: String) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: shell)
        process.arguments = ["-c", script]
        process.currentDirectoryURL = CLI.root
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "OPCAT": CLI.binary.path]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes at once, so neither fills while the other is read.
        let stderrData = Mutex(Data())
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            let data = err.fileHandleForReading.readDataToEndOfFile()
            stderrData.withLock { $0 = data }
            group.leave()
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: stdout, as: UTF8.self),
            stderrData.withLock { String(decoding: $0, as: UTF8.self) }
        )
    }

    @Test("count takes several paths, - for standard input, and a directory without a manifest; CSV concatenates")
    func countInputs() throws {
        let one = try Self.sh(#""$OPCAT" count data/zoo/alexnet-symbol.json --format csv"#)
        let two = try Self.sh(
            #""$OPCAT" count data/zoo/alexnet-symbol.json data/zoo/squeezenet1.1-symbol.json --format csv"#)
        #expect(one.status == 0 && two.status == 0, "\(one.stderr)\(two.stderr)")
        let oneLines = one.stdout.split(separator: "\n")
        let twoLines = two.stdout.split(separator: "\n")
        // One file's CSV is the directory's: the same header, one row per model.
        #expect(oneLines.count == 2 && twoLines.count == 3 && oneLines[0] == twoLines[0] && oneLines[1] == twoLines[1])
        #expect(twoLines[0].hasPrefix("model,") && twoLines[2].hasPrefix("squeezenet1.1,"))
        // Standard input, plain and gzipped: the same counts as the file.
        let file = try Self.sh(#""$OPCAT" count data/zoo/mobilenet_v2.onnx --format csv"#)
        let piped = try Self.sh(#"gzip -c data/zoo/mobilenet_v2.onnx | "$OPCAT" count - --format csv"#)
        #expect(file.status == 0 && piped.status == 0, "\(piped.stderr)")
        let fields = { (s: String) in
            s.split(separator: "\n")[1].split(separator: ",", omittingEmptySubsequences: false)
        }
        #expect(fields(piped.stdout)[0] == "stdin" && fields(piped.stdout)[4...5] == fields(file.stdout)[4...5])
        // A broken model on standard input is named as stdin, never by its temporary copy.
        let cut = try Self.sh(#"gzip -c data/zoo/mobilenet_v2.onnx | head -c 1500 | "$OPCAT" count -"#)
        #expect(
            cut.status == 1 && cut.stderr.hasPrefix("opcat: error: stdin: the gzip archive is truncated"),
            "\(cut.stderr)")
        let empty = try Self.sh(#""$OPCAT" count - < /dev/null"#)
        #expect(empty.status == 1 && empty.stderr.contains("stdin: empty") && empty.stdout.isEmpty)
        // A directory of model files without a manifest: counted, with a notice saying so.
        let dir = try IngestCLITests.temporaryDirectory()
        for name in ["alexnet-symbol.json", "squeezenet1.1-symbol.json"] {
            try FileManager.default.copyItem(
                at: CLI.root.appendingPathComponent("data/zoo/\(name)"), to: dir.appendingPathComponent(name))
        }
        let bare = try Self.sh(#""$OPCAT" count '\#(dir.path)' --format csv"#)
        #expect(bare.status == 0 && bare.stdout.split(separator: "\n").count == 3, "\(bare.stderr)")
        #expect(bare.stderr.contains("no manifest.json; counting its 2 model files"))
        // Ingested too, with a notice; --quiet silences notices (and progress), not the data.
        let db = dir.appendingPathComponent("c.sqlite").path
        let ingested = try Self.sh(#""$OPCAT" ingest '\#(dir.path)' --db '\#(db)'"#)
        #expect(ingested.status == 0 && ingested.stderr.contains("no manifest.json; ingesting its 2 model files"))
        let quiet = try Self.sh(#""$OPCAT" table --db '\#(db)' --format csv --quiet"#)
        #expect(quiet.status == 0 && quiet.stderr.isEmpty && quiet.stdout.split(separator: "\n").count == 3)
        let quietCount = try Self.sh(#""$OPCAT" count '\#(dir.path)' --quiet --format csv"#)
        #expect(
            quietCount.stderr.isEmpty && quietCount.stdout.split(separator: "\n").count == 3, "\(quietCount.stderr)")
        // A file list piped through xargs: one table, a failure named and the rest counted.
        let listed = try Self.sh(
            #"printf 'data/zoo/alexnet-symbol.json\nmissing.onnx\n' | xargs "$OPCAT" count --format csv"#)
        #expect(listed.status != 0 && listed.stdout.split(separator: "\n").count == 2)
        #expect(listed.stderr.contains("missing.onnx: no such file"))
    }

    /// The words bash completes for `line` (the cursor at its end) with opcat's generated script.
    static func complete(_ line: String) throws -> [String] {
        let script = """
            source <("$OPCAT" --generate-completion-script bash)
            read -ra COMP_WORDS <<< "$LINE"
            [[ "$LINE" == *' ' ]] && COMP_WORDS+=('')
            COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMP_LINE="$LINE"; COMP_POINT=${#LINE}
            # As bash calls a completion function: the command, the word, the word before it.
            _opcat "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        // The script runs the completing command as the line's first word: the binary's path.
        let command = CLI.binary.path + line.dropFirst("opcat".count)
        let quoted = command.replacingOccurrences(of: "'", with: "'\\''")
        let result = try shell("/bin/bash", "LINE='\(quoted)'\n" + script)
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout.split(separator: "\n").map(String.init)
    }

    @Test("completion offers the catalog's model and family names, and file names for paths")
    func completion() throws {
        let db = QueryCLITests.catalog
        #expect(try Self.complete("opcat layers --db \(db) vit") == ["vit_b_16"])
        #expect(
            Set(try Self.complete("opcat table --db \(db) --family mobilenet_v")) == [
                "mobilenet_v1", "mobilenet_v2", "mobilenet_v3",
            ])
        #expect(
            try Self.complete("opcat diff --db \(db) resnet18_v") == ["resnet18_v1", "resnet18_v1_int8", "resnet18_v2"])
        // diff also takes model files.
        #expect(try Self.complete("opcat diff --db \(db) data/zoo/vgg16_b").contains("data/zoo/vgg16_bn-symbol.json"))
        // Paths complete as files.
        #expect(try Self.complete("opcat count data/zoo/squeezenet1.").contains("data/zoo/squeezenet1.1-symbol.json"))
        // (bash adds the slash of a directory itself.)
        #expect(try Self.complete("opcat table --db Tests/Fix") == ["Tests/Fixtures"])
        // No catalog there: nothing offered, no error.
        #expect(try Self.complete("opcat layers --db /nonexistent/x.sqlite res").isEmpty)
    }
}
