import Foundation
import Testing

/// Checkpoints, figures and stored definitions: schema 3 as a user meets it.
struct CheckpointCLITests {
    typealias CLI = CLITests

    static func sqlite(_ db: String, _ sql: String) throws -> String {
        try IngestCLITests.sqlite(URL(fileURLWithPath: db), sql)
    }

    /// A fresh directory with a catalog of two bundled models.
    static func smallCatalog() throws -> (dir: URL, db: String) {
        let dir = try IngestCLITests.temporaryDirectory()
        let db = dir.appendingPathComponent("c.sqlite").path
        for name in ["resnet18.onnx", "mobilenet_v3_large.onnx"] {
            let result = try CLI.run(["ingest", "data/zoo/\(name)", "--db", db])
            #expect(result.status == 0, "\(result.stderr)")
        }
        return (dir, db)
    }

    @Test("two checkpoints of one model at two evaluation inputs are both listed, each with its own accuracy")
    func twoCheckpoints() throws {
        let (dir, db) = try Self.smallCatalog()
        defer { try? FileManager.default.removeItem(at: dir) }
        let second = try CLI.run([
            "ingest", "data/zoo/resnet18.onnx", "--db", db, "--checkpoint", "ft_320", "--eval-input", "1x3x320x320",
            "--top1", "73.2%", "--metric-source", "a fine-tune at 320",
        ])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.contains("resnet18: ft_320 top1 none → 0.732"), "\(second.stderr)")
        // Params 11,684,712: data/reference/torchvision_onnx.csv (onnx_float_initializer_elements);
        // MACs and backbone MACs at 224² and 320²: data/reference/torchvision_resolutions.csv
        // (torch's FlopCounterMode); backbone params = params − the fc layer's 512×1000 + 1000.
        // top-1/top-5 0.69758/0.89078: the manifest's torchvision figures; 0.732 is the 73.2% given above.
        // The checkpoint evaluated at 320² got a profile there, and is shown with it.
        let table = try CLI.run([
            "table", "--db", db, "--model", "resnet18", "--format", "csv", "--columns", "family",
        ])
        #expect(
            table.stdout == """
                model,checkpoint,input,eval_input,params,macs,backbone_params,backbone_macs,top1,top5,family
                resnet18,resnet18,1x3x224x224,1x3x224x224,11684712,1814073344,11171712,1813561344,0.69758,0.89078,resnet
                resnet18,ft_320,1x3x320x320,1x3x320x320,11684712,3701657600,11171712,3701145600,0.732,,resnet

                """, "\(table.stdout)")
        // Costs asked at one input: the other checkpoint's accuracy is from another one, and said.
        let text = try CLI.run(["table", "--db", db, "--model", "resnet18", "--input", "1x3x224x224"])
        #expect(text.stdout.contains("69.76%") && text.stdout.contains("73.20%"), "\(text.stdout)")
        #expect(text.stdout.contains("1 of 2 rows show accuracy measured at another input than their costs"))
        let best = try CLI.run(["best", "--db", db, "--max-macs", "4G", "--format", "csv"])
        #expect(best.stdout.contains("resnet18,ft_320,2,0.732,1x3x320x320,3701657600,"), "\(best.stdout)")
        let tight = try CLI.run(["best", "--db", db, "--max-macs", "2G", "--format", "csv"])
        #expect(!tight.stdout.contains("ft_320"), "\(tight.stdout)")
    }

    @Test("a zoo's checkpoints at several evaluation inputs get a profile each, and queries pair them")
    func profilesAtEvalInputs() throws {
        let dir = try IngestCLITests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(
            at: URL(fileURLWithPath: "data/zoo/mobilenet_v2_dynamic.onnx"), to: dir.appendingPathComponent("m.onnx"))
        func checkpoint(_ name: String, _ side: Int, _ top1: Double) -> String {
            """
            {"name": "\(name)", "eval_input": {"name": "input", "shape": [1, 3, \(side), \(side)]}, "source": "test",
             "metrics": [{"dataset": "ImageNet-1k val", "metric": "top1", "value": \(top1), "source": "test"}]}
            """
        }
        try Data(
            """
            {"format_version": 1, "models": [{"name": "m", "format": "onnx", "file": "m.onnx",
             "input": {"name": "input", "shape": [1, 3, 224, 224]}, "metrics": [],
             "checkpoints": [\(checkpoint("m.a", 224, 0.70)), \(checkpoint("m.b", 320, 0.74))]}]}
            """.utf8
        ).write(to: dir.appendingPathComponent("manifest.json"))
        let db = dir.appendingPathComponent("c.sqlite").path
        let ingest = try CLI.run(["ingest", dir.path, "--db", db])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        #expect(
            try Self.sqlite(db, "SELECT input_shape FROM profiles WHERE convention = 'standard' ORDER BY id")
                == "input:1x3x224x224\ninput:1x3x320x320")
        // MACs at 224² and 320²: torch's FlopCounterMode for torchvision's mobilenet_v2, of which
        // mobilenet_v2_dynamic.onnx is the dynamic quantization (data/reference/torchvision_resolutions.csv).
        let table = try CLI.run(["table", "--db", db, "--format", "csv"])
        #expect(
            table.stdout == """
                model,checkpoint,input,eval_input,params,macs,backbone_params,backbone_macs,top1,top5
                m,m.a,1x3x224x224,1x3x224x224,3487869,300774272,,,0.7,
                m,m.b,1x3x320x320,1x3x320x320,3487869,612492800,,,0.74,

                """, "\(table.stdout)")
        #expect(!table.stderr.contains("another input"), "\(table.stderr)")
        let again = try CLI.run(["ingest", dir.path, "--db", db])
        #expect(again.stderr.contains("1 model: 1 skipped"), "\(again.stderr)")
        let best = try CLI.run(["best", "--db", db, "--max-macs", "500M", "--format", "csv"])
        #expect(best.stdout.contains("m,m.a,1,0.7,1x3x224x224,300774272,"), "\(best.stdout)")
        #expect(!best.stdout.contains("m.b"), "\(best.stdout)")
        // Two checkpoints compared: each is its model at its evaluation input, with its accuracy.
        let diff = QueryCLITests.csvRows(try CLI.run(["diff", "m.a", "M.B", "--db", db, "--format", "csv"]).stdout)
        let macs = diff.first { $0["key"] == "macs" }
        #expect(macs?["old"] == "300774272" && macs?["new"] == "612492800", "\(diff)")
        let top1 = diff.first { $0["section"] == "metric" && $0["key"] == "top1" }
        #expect(top1?["old"] == "0.7" && top1?["new"] == "0.74" && top1?["status"] == "changed", "\(diff)")
        let text = try CLI.run(["diff", "m.a", "m.b", "--db", db])
        #expect(text.stdout.hasPrefix("m (m.a) → m (m.b) at 1x3x224x224 → 1x3x320x320"), "\(text.stdout)")
        #expect(text.stdout.contains("+4.00 pp"), "\(text.stdout)")
    }

    @Test(
        "measured speeds belong to a model at an input on a device: stored, updated, bounded by best, listed by speed")
    func measurements() throws {
        let dir = try IngestCLITests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for (from, to) in [("mobilenet_v2_dynamic.onnx", "m.onnx"), ("resnet18.onnx", "r.onnx")] {
            try FileManager.default.copyItem(
                at: URL(fileURLWithPath: "data/zoo/\(from)"), to: dir.appendingPathComponent(to))
        }
        func manifest(gpuOfR: Double) -> String {
            func speed(_ device: String, _ precision: String, _ batch: Int, _ value: Double, side: Int = 224) -> String
            {
                """
                {"input": {"name": "input", "shape": [1, 3, \(side), \(side)]}, "device": "\(device)", "precision": "\(precision)",
                 "batch_size": \(batch), "metric": "samples_per_sec", "value": \(value), "source": "a test bench"}
                """
            }
            func model(_ name: String, _ top1: Double, _ speeds: [String]) -> String {
                """
                {"name": "\(name)", "format": "onnx", "file": "\(name).onnx", "input": {"name": "input", "shape": [1, 3, 224, 224]},
                 "metrics": [{"dataset": "ImageNet-1k val", "metric": "top1", "value": \(top1), "source": "test"}],
                 "measurements": [\(speeds.joined(separator: ", "))]}
                """
            }
            return """
                {"format_version": 1, "models": [
                 \(model("m", 0.70, [speed("GPU X", "amp", 256, 5000.5), speed("CPU Y", "fp32", 1, 80.25)])),
                 \(model("r", 0.69, [speed("GPU X", "amp", 256, gpuOfR), speed("GPU X", "amp", 256, 3000, side: 320)]))]}
                """
        }
        let db = dir.appendingPathComponent("c.sqlite").path
        try Data(manifest(gpuOfR: 9000).utf8).write(to: dir.appendingPathComponent("manifest.json"))
        #expect(try CLI.run(["ingest", dir.path, "--db", db]).status == 0)
        #expect(
            try Self.sqlite(
                db,
                "SELECT m.name, s.input_shape, s.device, s.batch_size, s.value FROM measurements s JOIN models m ON m.id = s.model_id ORDER BY s.id"
            )
                == "m|input:1x3x224x224|GPU X|256|5000.5\nm|input:1x3x224x224|CPU Y|1|80.25\nr|input:1x3x224x224|GPU X|256|9000.0\nr|input:1x3x320x320|GPU X|256|3000.0"
        )
        // A speed measured at another input gets a profile there.
        #expect(
            try Self.sqlite(
                db,
                "SELECT p.input_shape FROM profiles p JOIN models m ON m.id = p.model_id WHERE m.name = 'r' AND p.convention = 'standard' ORDER BY p.id"
            ) == "input:1x3x224x224\ninput:1x3x320x320")
        // A changed figure of an unchanged file is stored and said.
        try Data(manifest(gpuOfR: 9100).utf8).write(to: dir.appendingPathComponent("manifest.json"))
        let again = try CLI.run(["ingest", dir.path, "--db", db])
        #expect(again.stderr.contains("r: 1 measurement stored"), "\(again.stderr)")
        #expect(again.stderr.contains("2 skipped"), "\(again.stderr)")
        let fast = try CLI.run(["best", "--db", db, "--min-throughput", "6K", "--device", "gpu x", "--format", "csv"])
        #expect(
            fast.stdout == """
                model,checkpoint,rank,top1,eval_input,samples_per_sec,measured_on
                r,r,1,0.69,1x3x224x224,9100.0,"GPU X, amp, batch 256"

                """, "\(fast.stdout)")
        // A model without a measurement on the device is named, never silently dropped.
        let cpu = try CLI.run(["best", "--db", db, "--min-throughput", "50", "--device", "CPU Y"])
        #expect(
            cpu.stderr.contains("1 model left out: no samples/s on CPU Y measured at their input (r)"), "\(cpu.stderr)")
        // Two measurements that both match are an error naming what tells them apart.
        let ambiguous = try CLI.run(["best", "--db", db, "--min-throughput", "50"])
        #expect(ambiguous.status == 1 && ambiguous.stderr.contains("choose one with --device"), "\(ambiguous.stderr)")
        // MACs of mobilenet_v2 (m, quantized dynamically) and resnet18 (r) at 224² and 320²:
        // data/reference/torchvision_resolutions.csv (torch's FlopCounterMode); MACs/s = MACs × samples/s.
        // r's speed at 320², an input no checkpoint is evaluated at, is listed with the profile there.
        let speed = try CLI.run(["speed", "--db", db, "--device", "GPU X", "--format", "csv"])
        #expect(
            speed.stdout == """
                model,input,device,precision,batch_size,macs,samples_per_sec,macs_per_sec
                r,1x3x224x224,GPU X,amp,256,1814073344,9100.0,16508067430400
                m,1x3x224x224,GPU X,amp,256,300774272,5000.5,1504021747136
                r,1x3x320x320,GPU X,amp,256,3701657600,3000.0,11104972800000

                """, "\(speed.stdout)")
        // The front by measured time per sample: 1e9 / 9,100 and 1e9 / 5,000.5 ns, rounded.
        let front = try CLI.run(["pareto", "--db", db, "--x", "throughput", "--device", "GPU X", "--format", "csv"])
        #expect(
            front.stdout == """
                model,checkpoint,ns_per_sample,top1,eval_input
                r,r,109890,0.69,1x3x224x224
                m,m,199980,0.7,1x3x224x224

                """, "\(front.stdout)")
        let cpuFront = try CLI.run(["pareto", "--db", db, "--x", "throughput", "--device", "CPU Y"])
        #expect(cpuFront.stderr.contains("left out (r)"), "\(cpuFront.stderr)")
        let text = try CLI.run(["speed", "--db", db, "--device", "GPU X"])
        #expect(text.stdout.contains("on GPU X, amp MACs/s range 11.0× (m to r)"), "\(text.stdout)")
        // The chart: one point per measured model and input on one device and precision.
        let svg = dir.appendingPathComponent("speed.svg").path
        let chart = try CLI.run(["speed", "--db", db, "--device", "GPU X", "--svg", svg])
        #expect(chart.status == 0, "\(chart.stderr)")
        let drawn = try String(contentsOfFile: svg, encoding: .utf8)
        // (Each point carries its name in a title; the legend's markers do not.)
        #expect(drawn.components(separatedBy: "</title>").count - 1 == 3, "one point per measurement")
        #expect(drawn.contains("GPU X, amp, batch 256: 3 points") && drawn.contains("median"), "\(drawn)")
        let mixed = try CLI.run(["speed", "--db", db, "--svg", svg])
        #expect(mixed.status != 0 && mixed.stderr.contains("one device and precision"), "\(mixed.stderr)")
    }

    @Test("models keep the zoo they came from, and --zoo selects by it")
    func zoos() throws {
        let dir = try IngestCLITests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("c.sqlite").path
        let ingest = try CLI.run(["ingest", "data/zoo", "data/zoos/gluoncv", "--db", db])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        #expect(
            try Self.sqlite(db, "SELECT zoo, count(*) FROM models GROUP BY zoo ORDER BY zoo")
                == "gluoncv|72\nseed|49")  // the entries of data/zoos/gluoncv and data/zoo manifest.json
        let seed = try CLI.run([
            "table", "--db", db, "--zoo", "seed", "--file-format", "mxnet-symbol", "--exclude-quantized", "--format",
            "csv",
        ])
        #expect(seed.stdout.split(separator: "\n").count == 35, "the 34 seed models and a header")
        // A checkpoint per row of GluonCV's tables that could be exported (data/zoos/gluoncv/manifest.json).
        let gluoncv = try CLI.run(["table", "--db", db, "--zoo", "gluon*", "--format", "csv"])
        #expect(gluoncv.stdout.split(separator: "\n").count == 79, "78 checkpoints and a header")
        let none = try CLI.run(["table", "--db", db, "--zoo", "timm-missing"])
        #expect(none.status == 1 && none.stderr.contains("no models for zoo 'timm-missing'"), "\(none.stderr)")
    }

    @Test("ingest names the models stored without a backbone end, with the option that sets one")
    func noBackboneEnd() throws {
        let dir = try IngestCLITests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("nohead-symbol.json")
        try Data(
            """
            {"nodes": [{"op": "null", "name": "data", "inputs": []},
                       {"op": "Activation", "name": "relu0", "attrs": {"act_type": "relu"}, "inputs": [[0, 0, 0]]}],
             "arg_nodes": [0], "heads": [[1, 0, 0]]}
            """.utf8
        ).write(to: file)
        let result = try CLI.run(["ingest", file.path, "--db", dir.appendingPathComponent("c.sqlite").path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("nohead: no backbone end could be proposed"), "\(result.stderr)")
        #expect(result.stderr.contains("1 model stored without a backbone end (nohead)"), "\(result.stderr)")
        #expect(result.stderr.contains("--backbone-end NODE"))
    }

    @Test("metrics import adds and updates figures in one transaction, and applies nothing of a bad file")
    func metricsImport() throws {
        let (dir, db) = try Self.smallCatalog()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("figures.csv")
        try Data(
            """
            model,checkpoint,eval_input,dataset,metric,value,source
            resnet18,,,ImageNet-1k val,top1,0.7,"corrected, by hand"
            mobilenet_v3_large,IMAGENET1K_V2,1x3x224x224,ImageNet-1k val,top1,75.274%,torchvision
            mobilenet_v3_large,IMAGENET1K_V2,,ImageNet-1k val,top5,92.566%,torchvision

            """.utf8
        ).write(to: csv)
        let imported = try CLI.run(["metrics", "import", csv.path, "--db", db])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stderr.contains("resnet18: top1 0.69758 → 0.7"), "\(imported.stderr)")
        #expect(imported.stderr.contains("mobilenet_v3_large: IMAGENET1K_V2 top5 none → 0.92566"))
        #expect(imported.stderr.contains("3 figures of 2 checkpoints: 2 added, 1 changed, 0 unchanged"))
        #expect(
            try Self.sqlite(
                db,
                """
                SELECT c.name, c.eval_input, x.value, x.source FROM metrics x JOIN checkpoints c ON c.id = x.checkpoint_id
                WHERE x.metric = 'top1' AND c.name != 'mobilenet_v3_large' ORDER BY c.id
                """
            )
                == "resnet18|input:1x3x224x224|0.7|corrected, by hand\nIMAGENET1K_V2|input:1x3x224x224|0.75274|torchvision"
        )
        let again = try CLI.run(["metrics", "import", csv.path, "--db", db])
        #expect(again.stderr.contains("0 added, 0 changed, 3 unchanged"), "\(again.stderr)")

        let before = try Self.sqlite(db, "SELECT checkpoint_id, metric, value FROM metrics ORDER BY 1, 2")
        for (body, message) in [
            (
                "model,checkpoint,eval_input,dataset,metric,value,source\nresnet18,,,d,top1,0.1,s\nnope,,,d,top1,0.5,s\n",
                "no model 'nope' in the catalog; nothing was imported"
            ),
            (
                "model,checkpoint,eval_input,dataset,metric,value,source\nresnet18,,,d,top1,abc,s\n",
                "line 2: value 'abc'"
            ),
            ("model,checkpoint,eval_input,dataset,metric,value,source\nresnet18,,,d,top1,1.5,s\n", "line 2: top1 1.5"),
            (
                "model,checkpoint,eval_input,dataset,metric,value,source\nresnet18,,2x,d,top1,0.5,s\n",
                "line 2: eval_input"
            ),
            ("model,value\nresnet18,0.5\n", "line 1: the header must be"),
            ("model,checkpoint,eval_input,dataset,metric,value,source\nresnet18,\"x,,d,top1,0.5,s\n", "not closed"),
        ] {
            let bad = dir.appendingPathComponent("bad.csv")
            try Data(body.utf8).write(to: bad)
            let result = try CLI.run(["metrics", "import", bad.path, "--db", db])
            #expect(result.status == 1, "\(body)")
            #expect(result.stderr.contains(message), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        }
        #expect(try Self.sqlite(db, "SELECT checkpoint_id, metric, value FROM metrics ORDER BY 1, 2") == before)
    }

    @Test("the schema-2 catalog made by the last schema-2 release migrates to schema 3 without losing a figure")
    func schema2Migration() throws {
        let dir = try IngestCLITests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fixture = CLI.root.appendingPathComponent("Tests/Fixtures/catalogs/schema2.sqlite").path
        let db = dir.appendingPathComponent("old.sqlite").path
        try FileManager.default.copyItem(atPath: fixture, toPath: db)
        let old = try Self.sqlite(
            db,
            "SELECT m.name, m.default_input, x.dataset, x.metric, x.value, x.source FROM metrics x JOIN models m ON m.id = x.model_id ORDER BY 1, 4"
        )
        #expect(old.split(separator: "\n").count == 7)
        // Queries never migrate: they say how to.
        let refused = try CLI.run(["table", "--db", db])
        #expect(refused.status == 1)
        #expect(
            refused.stderr.contains("lacks 003_checkpoints, 004_strict")
                && refused.stderr.contains("opcat migrate --db"))
        let migrate = try CLI.run(["migrate", "--db", db])
        #expect(migrate.status == 0)
        #expect(migrate.stderr.contains("applied 003_checkpoints, 004_strict"), "\(migrate.stderr)")
        let table = try CLI.run(["table", "--db", db, "--format", "csv"])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(
            try Self.sqlite(db, "SELECT identifier FROM grdb_migrations ORDER BY 1")
                == CLI.migrations.joined(separator: "\n"))
        #expect(
            try Self.sqlite(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND sql LIKE '%STRICT'")
                == "11")
        // Each figure is its model's default checkpoint's, named after the model, evaluated at its default input.
        let migrated = try Self.sqlite(
            db,
            """
            SELECT m.name, c.eval_input, x.dataset, x.metric, x.value, x.source
            FROM metrics x JOIN checkpoints c ON c.id = x.checkpoint_id JOIN models m ON m.id = c.model_id
            WHERE c.name = m.name ORDER BY 1, 4
            """)
        #expect(migrated == old)
        #expect(table.stdout.contains("squeezenet1.1,squeezenet1.1,1x3x224x224,1x3x224x224,"), "\(table.stdout)")
        #expect(table.stdout.contains("alexnet_custom,alexnet_custom,1x3x224x224,1x3x224x224,61100840,"))
        // Schema-2 models have no stored definition: `profile` says how to store one, and a re-ingest does.
        let profile = try CLI.run(["profile", "--input", "1x3x256x256", "--model", "squeezenet1.1", "--db", db])
        #expect(profile.status == 1)
        #expect(profile.stderr.contains("have no stored definition"), "\(profile.stderr)")
        #expect(try CLI.run(["ingest", "data/zoo/squeezenet1.1-symbol.json", "--db", db]).status == 0)
        let stored = try CLI.run(["profile", "--input", "1x3x256x256", "--model", "squeezenet1.1", "--db", db])
        #expect(stored.status == 0, "\(stored.stderr)")
        let view = try Self.sqlite(
            db,
            "SELECT input_name, input_shape, checkpoint, eval_input, top1 FROM model_summary WHERE model = 'squeezenet1.1'"
        )
        #expect(
            view
                == "data|1x3x224x224|squeezenet1.1|1x3x224x224|0.5496\ndata|1x3x256x256|squeezenet1.1|1x3x224x224|0.5496\ndata|1x3x320x320|squeezenet1.1|1x3x224x224|0.5496",
            "\(view)")
    }

    @Test("a catalog is self-contained: profiles from stored definitions equal counts of the files, with no files")
    func storedDefinitions() throws {
        let dir = try IngestCLITests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let zoo = dir.appendingPathComponent("zoo")
        try FileManager.default.createDirectory(at: zoo, withIntermediateDirectories: true)
        for name in ["vit_b_16.onnx", "resnet18_v1-symbol.json", "regnet_y_400mf.onnx"] {
            try FileManager.default.copyItem(
                at: CLI.root.appendingPathComponent("data/zoo/\(name)"), to: zoo.appendingPathComponent(name))
        }
        let db = dir.appendingPathComponent("c.sqlite").path
        for name in ["vit_b_16.onnx", "resnet18_v1-symbol.json", "regnet_y_400mf.onnx"] {
            #expect(try CLI.run(["ingest", zoo.appendingPathComponent(name).path, "--db", db]).status == 0)
        }
        // ONNX is stored without payloads: the definition costs kilobytes.
        let sizes = try Self.sqlite(
            db,
            "SELECT m.name, d.payloads, length(d.data) < 200000 FROM definitions d JOIN models m ON m.id = d.model_id ORDER BY m.id"
        )
        #expect(sizes == "vit_b_16|stripped|1\nresnet18_v1|kept|1\nregnet_y_400mf|stripped|1", "\(sizes)")
        let reference = dir.appendingPathComponent("reference.sqlite").path
        for name in ["resnet18_v1-symbol.json", "regnet_y_400mf.onnx"] {
            let result = try CLI.run([
                "ingest", zoo.appendingPathComponent(name).path, "--db", reference, "--input", "1x3x320x320",
            ])
            #expect(result.status == 0, "\(result.stderr)")
        }
        try FileManager.default.removeItem(at: zoo)
        let profile = try CLI.run(["profile", "--input", "1x3x320x320", "--db", db])
        #expect(profile.status == 1)
        #expect(
            profile.stderr.contains("3 models: 2 profiled at 1x3x320x320, 1 failed (vit_b_16)"), "\(profile.stderr)")
        #expect(profile.stderr.contains("node '/Reshape' (Reshape)"), "\(profile.stderr)")
        let arguments = ["table", "--input", "1x3x320x320", "--format", "csv", "--columns", "flops,activations"]
        let fromDefinitions = try CLI.run(arguments + ["--db", db, "--model", "resnet18_v1", "--model", "regnet*"])
        let fromFiles = try CLI.run(arguments + ["--db", reference])
        #expect(fromDefinitions.stdout == fromFiles.stdout)
        #expect(fromDefinitions.stdout.split(separator: "\n").count == 3, "\(fromDefinitions.stdout)")
        let layers =
            "SELECT l.layer_index, l.name, l.output_shapes, l.macs FROM layers l JOIN profiles p ON p.id = l.profile_id JOIN models m ON m.id = p.model_id WHERE m.name = 'regnet_y_400mf' AND p.input_shape LIKE '%320' AND p.convention = 'standard' ORDER BY 1"
        #expect(try Self.sqlite(db, layers) == Self.sqlite(reference, layers))
    }
}
