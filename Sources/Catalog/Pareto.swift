/// Accuracy against cost: which models no other model beats.
public enum Pareto {
    /// A model as a point: lower cost and higher accuracy are better.
    public struct Point: Sendable, Hashable {
        public var model: String
        /// The checkpoint whose accuracy it is, when it is not named after the model.
        public var checkpoint: String?
        public var cost: Int
        public var accuracy: Double
        public init(model: String, checkpoint: String? = nil, cost: Int, accuracy: Double) {
            self.model = model
            self.checkpoint = checkpoint
            self.cost = cost
            self.accuracy = accuracy
        }

        /// `resnet50` or `resnet50 · IMAGENET1K_V2`.
        public var label: String { checkpoint.map { "\(model) · \($0)" } ?? model }
    }

    /// Whether `a` dominates `b`: at least as accurate at no greater cost, and better in one.
    public static func dominates(_ a: Point, _ b: Point) -> Bool {
        a.cost <= b.cost && a.accuracy >= b.accuracy && (a.cost < b.cost || a.accuracy > b.accuracy)
    }

    /// The non-dominated points ordered by cost, and for every dominated point one point that
    /// dominates it (the cheapest such, then the most accurate).
    public static func front(_ points: [Point]) -> (front: [Point], dominated: [(Point, by: Point)]) {
        // Sweep by cost, most accurate first among equal costs: a point is on the front when it
        // beats the best accuracy seen so far.
        let sorted = points.sorted {
            ($0.cost, -$0.accuracy, $0.model, $0.checkpoint ?? "") < (
                $1.cost, -$1.accuracy, $1.model, $1.checkpoint ?? ""
            )
        }
        var front: [Point] = []
        var dominated: [(Point, by: Point)] = []
        for point in sorted {
            if let best = front.last, best.accuracy >= point.accuracy,
                !(best.accuracy == point.accuracy && best.cost == point.cost)
            {
                let dominator = front.first { dominates($0, point) } ?? best
                dominated.append((point, by: dominator))
            } else {
                front.append(point)
            }
        }
        return (front, dominated)
    }
}
