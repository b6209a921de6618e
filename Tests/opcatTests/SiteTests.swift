import Foundation
import Testing

/// `opcat export html`: the site as written (one row per checkpoint, a page per model, nothing
/// fetched, hostile names as text), and the site in headless Chromium (sorting, filtering, the
/// chart's points, the budget panel against `opcat best`, no console message, screenshots under
/// .build/site-screenshots/). The browser tests run where Chromium is installed; .ci/run
/// installs it and sets OPCAT_BROWSER_TESTS=required, so on CI a missing browser fails.
struct SiteTests {
    typealias CLI = CLITests

    static let chromium: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
    static let browserRequired = ProcessInfo.processInfo.environment["OPCAT_BROWSER_TESTS"] == "required"

    /// The bundled zoo's catalog, with profiles at 1x3x320x320 for the budget panel's input
    /// choice: all but vit_b_16 and swin_t, whose files fix their input size.
    static let catalog: String = {
        let dir = try! IngestCLITests.temporaryDirectory()
        let path = dir.appendingPathComponent("zoo.sqlite").path
        let ingest = try! CLI.run(["ingest", "data/zoo", "--db", path])
        precondition(ingest.status == 0, ingest.stderr)
        let profile = try! CLI.run(["profile", "--input", "1x3x320x320", "--db", path])
        precondition(profile.stderr.contains("47 profiled at 1x3x320x320, 2 failed (vit_b_16, swin_t)"), profile.stderr)
        return path
    }()

    static func export(_ db: String, _ extra: [String] = []) throws -> URL {
        let dir = try IngestCLITests.temporaryDirectory().appendingPathComponent("site")
        let result = try CLI.run(["export", "html", dir.path, "--db", db] + extra)
        #expect(result.status == 0, "\(result.stderr)")
        return dir
    }

    static func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    /// The rows of `opcat table --format json` (every checkpoint at its own input).
    static func tableRows(_ db: String, _ extra: [String] = []) throws -> [[String: Any]] {
        let result = try CLI.run(["table", "--db", db, "--format", "json"] + extra + ["--columns", "family"])
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] ?? []
    }

    /// The text of the first cell of each body row of the table with id `id` in `html`.
    static func firstCells(_ html: String, table id: String) -> [String] {
        guard let start = html.range(of: "<table id=\"\(id)\"") else { return [] }
        let rest = html[start.upperBound...]
        guard let body = rest.range(of: "<tbody>"), let end = rest.range(of: "</tbody>") else { return [] }
        return rest[body.upperBound..<end.lowerBound].components(separatedBy: "<tr>").dropFirst().map { row in
            // The model column: the link's text, else the first cell's.
            let cells = row.components(separatedBy: "<td")
            let cell = id == "budget-table" ? cells[2] : cells[1]
            let text = cell.replacingOccurrences(of: "<[^>]*>", with: "", options: .regularExpression)
            return String(text.drop { $0 != ">" }.dropFirst()).replacingOccurrences(of: "&amp;", with: "&")
        }
    }

    @Test("the site as written: one row per checkpoint, a page per model, nothing fetched, replaced whole")
    func written() throws {
        let site = try Self.export(Self.catalog)
        let index = try String(contentsOf: site.appendingPathComponent("index.html"), encoding: .utf8)
        let rows = try Self.tableRows(Self.catalog)
        #expect(Self.firstCells(index, table: "models").count == rows.count && rows.count == CLI.zooModels.count)
        // Without the script too, the page says which models the chart leaves out.
        let untopped = CLI.zooModels.filter { !$0.hasTop1 }.map(\.name)
        #expect(index.contains("\(untopped.count) models have no top-1 and are not charted") && !untopped.isEmpty)
        let pages = try FileManager.default.contentsOfDirectory(atPath: site.appendingPathComponent("models").path)
        #expect(Set(pages) == Set(rows.map { "\($0["model"] as! String).html" }))
        // No request at view time: no external reference, and a policy that forbids any.
        for page in [index]
            + (try pages.map { try String(contentsOf: site.appendingPathComponent("models/\($0)"), encoding: .utf8) })
        {
            #expect(!page.contains("src=\"http") && !page.contains("<link") && !page.contains("@import"))
            #expect(page.contains("Content-Security-Policy\" content=\"default-src 'none'"))
        }
        let vit = try String(contentsOf: site.appendingPathComponent("models/vit_b_16.html"), encoding: .utf8)
        // The module tree, its twelve encoder layers folded into one row.
        #expect(vit.contains("encoder_layer_* ×12") && vit.contains("<details"), "the module tree")
        let quantized = try String(
            contentsOf: site.appendingPathComponent("models/mobilenet_v2_int8_qdq.html"), encoding: .utf8)
        #expect(quantized.contains("Beside its float parent") && quantized.contains("href=\"mobilenet_v2.html\""))
        // A selection, into the same directory: the site is replaced, stale pages go.
        let again = try CLI.run(["export", "html", site.path, "--db", Self.catalog, "--family", "resnet*"])
        #expect(again.status == 0, "\(again.stderr)")
        let resnets = try FileManager.default.contentsOfDirectory(atPath: site.appendingPathComponent("models").path)
        #expect(
            resnets.count == (try Self.tableRows(Self.catalog, ["--family", "resnet*"])).count && resnets.count > 1)
        // A directory someone else's files are in is refused, untouched.
        let foreign = try IngestCLITests.temporaryDirectory()
        try Data("mine".utf8).write(to: foreign.appendingPathComponent("notes.txt"))
        let refused = try CLI.run(["export", "html", foreign.path, "--db", Self.catalog])
        #expect(refused.status != 0 && refused.stderr.contains("not a site opcat wrote"), "\(refused.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: foreign.path) == ["notes.txt"])
    }

    @Test("docs/site is what export html writes for the bundled zoo")
    func docsSiteIsCurrent() throws {
        let fresh = try Self.export(QueryCLITests.catalog)
        let committed = CLI.root.appendingPathComponent("docs/site")
        func files(_ dir: URL) throws -> [String] {
            let fm = FileManager.default
            return try
                (fm.contentsOfDirectory(atPath: dir.path)
                + fm.contentsOfDirectory(
                    atPath: dir.appendingPathComponent("models").path
                ).map { "models/" + $0 }).filter { $0 != "models" }.sorted()
        }
        let names = try files(fresh)
        #expect(try files(committed) == names, "docs/site lists other files: run `make docs`")
        for name in names {
            let a = try Data(contentsOf: fresh.appendingPathComponent(name))
            let b = try? Data(contentsOf: committed.appendingPathComponent(name))
            #expect(a == b, "docs/site/\(name) is stale: run `make docs`")
        }
    }

    static let hostileNames = [
        "\"><img src=x onerror=\"document.title='pwned'\">", "<script>document.title='pwned'</script>",
        "</svg><svg onload=\"document.title='pwned'\">", "it's \"quoted\"", "a&amp;b</td>",
        "</script><script>document.title='pwned'</script>",
    ]

    /// A catalog of hostile model, family and source names, and a model whose node names (its
    /// module paths on its page) carry markup, quotes, a newline and right-to-left marks.
    static func hostileCatalog() throws -> String {
        let dir = try IngestCLITests.temporaryDirectory()
        let db = dir.appendingPathComponent("h.sqlite").path
        let symbol = dir.appendingPathComponent("marks-symbol.json")
        try Data(
            #"""
            {"nodes": [{"op": "null", "name": "data", "inputs": []},
                       {"op": "Activation", "name": "<img src=x onerror=\"document.title='pwned'\">.\u202e\u200fevil\nline", "attrs": {"act_type": "relu"},
                        "inputs": [[0, 0, 0]]},
                       {"op": "Activation", "name": "</summary></details><script>document.title='pwned'</script>", "attrs": {"act_type": "relu"},
                        "inputs": [[1, 0, 0]]}],
             "arg_nodes": [0], "heads": [[2, 0, 0]]}
            """#.utf8
        ).write(to: symbol)
        let marks = try CLI.run(["ingest", symbol.path, "--db", db, "--name", "marks", "--input", "data:1x3x8x8"])
        #expect(marks.status == 0, "\(marks.stderr)")
        for (i, name) in hostileNames.enumerated() {
            let result = try CLI.run([
                "ingest", "data/zoo/squeezenet1.1-symbol.json", "--db", db, "--name=\(name)",
                "--family=f\(i)<b>\"'", "--top1", "0.5\(i)", "--metric-source", "<i>src</i>", "--force",
            ])
            #expect(result.status == 0, "\(name): \(result.stderr)")
        }
        return db
    }

    /// What markup a page holds beyond its own: script, img and svg elements.
    static func elements(_ html: String) -> (scripts: Int, images: Int, svgs: Int) {
        (count("<script", in: html), count("<img", in: html), count("<svg", in: html))
    }

    @Test("hostile names are text in every page, as written")
    func hostileWritten() throws {
        let site = try Self.export(try Self.hostileCatalog())
        let index = try String(contentsOf: site.appendingPathComponent("index.html"), encoding: .utf8)
        let e = Self.elements(index)
        #expect(e.scripts == 2 && e.images == 0 && e.svgs == 1, "\(e)")
        #expect(index.contains("&lt;script&gt;document.title=&apos;pwned&apos;&lt;/script&gt;"))
        // The data is JSON inside a script element: no string can close it.
        #expect(index.contains("\\u003c/script\\u003e"))
        let pages = try FileManager.default.contentsOfDirectory(atPath: site.appendingPathComponent("models").path)
        #expect(pages.count == Self.hostileNames.count + 1)
        for page in pages {
            #expect(!page.contains("/") && !page.hasPrefix(".") && page.allSatisfy { $0.isASCII })
            let html = try String(contentsOf: site.appendingPathComponent("models/\(page)"), encoding: .utf8)
            let m = Self.elements(html)
            #expect(m.scripts == 0 && m.images == 0 && m.svgs == 0, "\(page): \(m)")
        }
    }

    // MARK: In the browser

    struct Rendered {
        var dom: String
        var console: [String]
    }

    /// The page's DOM after its script ran, and what it wrote to the console (an uncaught error,
    /// a refused script are console messages too).
    static func browse(_ file: URL, fragment: String = "", screenshot: URL? = nil) throws -> Rendered {
        let profile = try IngestCLITests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: profile) }
        let url = file.absoluteString + (fragment.isEmpty ? "" : "#" + fragment)
        func run(_ mode: [String]) throws -> (String, String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: chromium!)
            process.arguments =
                [
                    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile.path)",
                    "--enable-logging=stderr", "--v=0", "--virtual-time-budget=10000", "--window-size=1400,2000",
                ] + mode + [url]
            let out = Pipe()
            let log = profile.appendingPathComponent("stderr.log")
            FileManager.default.createFile(atPath: log.path, contents: nil)
            let err = try FileHandle(forWritingTo: log)
            defer { try? err.close() }
            process.standardOutput = out
            process.standardError = err
            try process.run()
            let stdout = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            let stderr = (try? Data(contentsOf: log)) ?? Data()
            return (String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
        }
        if let screenshot {
            try FileManager.default.createDirectory(
                at: screenshot.deletingLastPathComponent(), withIntermediateDirectories: true)
            _ = try run(["--screenshot=\(screenshot.path)"])
        }
        let (dom, log) = try run(["--dump-dom"])
        let console = log.split(separator: "\n").filter { $0.contains(":CONSOLE") }.map(String.init)
        return Rendered(dom: dom, console: console)
    }

    static func needBrowser() -> Bool {
        if chromium != nil { return true }
        if browserRequired { Issue.record("OPCAT_BROWSER_TESTS=required but no chromium is installed") }
        print("SiteTests: no chromium here; the browser tests are skipped (apt-get install chromium)")
        return false
    }

    static let screenshots = CLI.root.appendingPathComponent(".build/site-screenshots")

    @Test("in Chromium: the table sorts and filters, the chart has a point per checkpoint, the budget is opcat best's")
    func browser() throws {
        guard Self.needBrowser() else { return }
        let site = try Self.export(Self.catalog)
        let index = site.appendingPathComponent("index.html")
        let rows = try Self.tableRows(Self.catalog)
        let first = try Self.browse(
            index, fragment: "bench=1", screenshot: Self.screenshots.appendingPathComponent("index.png"))
        #expect(first.console.isEmpty, "\(first.console)")
        #expect(first.dom.contains("data-ready=\"1\""), "the script ran to its end")
        #expect(Self.firstCells(first.dom, table: "models").count == rows.count)
        let charted = rows.filter { $0["top1"] is Double && $0["macs"] is Int }.count
        #expect(Self.count("class=\"point\"", in: first.dom) == charted && charted > 40)
        if let render = first.dom.firstMatch(of: #/data-render-ms="([0-9.]+)"/#),
            let filter = first.dom.firstMatch(of: #/data-filter-ms="([0-9.]+)"/#)
        {
            print("SiteTests: first render \(render.1) ms, a filter \(filter.1) ms for \(rows.count) checkpoints")
        }
        // Sorting by MACs, most first: the first row is the costliest model.
        let sorted = try Self.browse(index, fragment: "sort=macs&desc=1")
        let costliest = rows.max { ($0["macs"] as? Int ?? 0) < ($1["macs"] as? Int ?? 0) }?["model"] as? String
        #expect(Self.firstCells(sorted.dom, table: "models").first == costliest)
        // Filtering by family and by text.
        let family = try Self.browse(index, fragment: "family=resnet_v1")
        #expect(
            Self.firstCells(family.dom, table: "models").count
                == rows.filter { $0["family"] as? String == "resnet_v1" }.count)
        let text = try Self.browse(index, fragment: "q=mobilenet")
        let mobilenets = rows.filter { ($0["model"] as! String).contains("mobilenet") }.count
        #expect(Self.firstCells(text.dom, table: "models").count == mobilenets && mobilenets > 5)
        // The budget panel, through the address, against opcat best for the same question.
        for (fragment, arguments) in [
            ("budget=2G", ["--max-macs", "2G"]), ("budget=1G&budget-backbone=1", ["--max-macs", "1G", "--backbone"]),
            ("budget=10M&budget-measure=params", ["--max-params", "10M"]),
            ("budget=5G&budget-input=1x3x320x320", ["--max-macs", "5G", "--input", "1x3x320x320"]),
        ] {
            let page = try Self.browse(index, fragment: fragment)
            #expect(page.console.isEmpty, "\(page.console)")
            let best = try CLI.run(["best", "--db", Self.catalog, "--format", "json", "--limit", "10"] + arguments)
            let expected = try (JSONSerialization.jsonObject(with: Data(best.stdout.utf8)) as? [[String: Any]] ?? [])
                .map { $0["model"] as! String }
            #expect(!expected.isEmpty && Self.firstCells(page.dom, table: "budget-table") == expected, "\(fragment)")
            if fragment.contains("320") {
                #expect(page.dom.contains("2 models have no profile at 1x3x320x320 and are left out: vit_b_16, swin_t"))
            }
        }
        let model = try Self.browse(
            site.appendingPathComponent("models/vit_b_16.html"),
            screenshot: Self.screenshots.appendingPathComponent("vit_b_16.png"))
        #expect(model.console.isEmpty, "\(model.console)")
        #expect(FileManager.default.fileExists(atPath: Self.screenshots.appendingPathComponent("index.png").path))
    }

    @Test("in Chromium: hostile names inject no element and run no script")
    func hostileBrowser() throws {
        guard Self.needBrowser() else { return }
        let site = try Self.export(try Self.hostileCatalog())
        // Every view the script draws: the table, the chart and its front, the budget answer.
        let index = try Self.browse(site.appendingPathComponent("index.html"), fragment: "budget=10G&sort=model")
        #expect(index.console.isEmpty, "\(index.console)")
        #expect(index.dom.contains("data-ready=\"1\"") && !index.dom.contains("pwned</title>"))
        let e = Self.elements(index.dom)
        // The chart and one marker per legend entry (a family's button).
        let legend = Self.count("<button", in: index.dom)
        #expect(
            e.scripts == 2 && e.images == 0 && e.svgs == 1 + legend && legend == Self.hostileNames.count + 1, "\(e)")
        #expect(Self.firstCells(index.dom, table: "models").count == Self.hostileNames.count + 1)
        #expect(Self.firstCells(index.dom, table: "budget-table").count == Self.hostileNames.count)
        for page in try FileManager.default.contentsOfDirectory(atPath: site.appendingPathComponent("models").path) {
            let model = try Self.browse(site.appendingPathComponent("models/\(page)"))
            let m = Self.elements(model.dom)
            #expect(m.scripts == 0 && m.images == 0 && m.svgs == 0 && !model.dom.contains("pwned</title>"), "\(page)")
        }
    }
}
