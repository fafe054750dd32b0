import IOMMUModel

/// One way the model raises a fault reason or event: the condition, the source that says when it is
/// raised, and a scenario whose last DMA shows it (`nestscope faults --show CODE`; the tests run each).
public struct FaultCondition: Sendable {
    /// The VT-d fault reason or SMMUv3 event id (0 on SMMUv3: STE.Config = abort, no event).
    public let code: UInt8
    public let condition: String
    public let source: String
    /// Scenario text ending with `expect fault CODE` after the DMA that raises it.
    public let scenario: String
    /// The cache whose stale entry the condition needs (an ATC entry the STE no longer allows), or nil:
    /// the fault then leaves nothing stale.
    public let staleCache: String?

    public init(_ code: UInt8, _ condition: String, source: String, scenario: String, staleCache: String? = nil) {
        self.code = code
        self.condition = condition
        self.source = source
        self.scenario = scenario
        self.staleCache = staleCache
    }
}

/// A code the model never reports, and why.
public struct FaultExclusion: Sendable {
    public let code: UInt8
    public let why: String

    public init(_ code: UInt8, _ why: String) {
        self.code = code
        self.why = why
    }
}

/// Every fault reason (VT-d) or event (SMMUv3) of one architecture: how each raised one is raised,
/// and why the others are not. The CLI lists it; FaultReachabilityTests checks it against the sources.
public struct FaultCatalog: Sendable {
    /// `vtd`, `smmuv3` (the architecture's name).
    public let architecture: String
    public let title: String
    /// What a code is called: "fault reason" or "event".
    public let noun: String
    /// Every code the architecture defines, with its name as the kernel prints it.
    public let names: [(code: UInt8, name: String)]
    public let raised: [FaultCondition]
    /// Constructed in the model's sources, but no input reaches it.
    public let unreachable: [FaultExclusion]
    /// Never constructed by the model.
    public let neverRaised: [FaultExclusion]

    /// Every architecture's catalog, in registration order.
    public static let all: [FaultCatalog] = [.vtd, .smmuv3, .amdvi]

    public static func named(_ name: String) -> FaultCatalog? {
        all.first { $0.architecture == name.lowercased() || $0.title.lowercased() == name.lowercased() }
    }

    public func name(of code: UInt8) -> String { names.first { $0.code == code }?.name ?? "?" }

    /// `0x71`, as the fault reason or event id is printed.
    public static func hexCode(_ code: UInt8) -> String {
        "0x" + (code < 16 ? "0" : "") + String(code, radix: 16)
    }

    /// The listing `nestscope faults` prints.
    public var text: String {
        var out = "\(title): the \(noun)s the model raises, with the condition and the source that says so\n"
        for c in raised {
            out += "  \(Self.hexCode(c.code))  \(name(of: c.code))\n      \(c.condition)\n      source: \(c.source)\n"
        }
        if !unreachable.isEmpty {
            out += "\(title): constructed in the model, but no input reaches it\n"
            for e in unreachable { out += "  \(Self.hexCode(e.code))  \(name(of: e.code))\n      \(e.why)\n" }
        }
        out += "\(title): never raised\n"
        for e in neverRaised { out += "  \(Self.hexCode(e.code))  \(name(of: e.code))\n      \(e.why)\n" }
        return out
    }

    public var json: JSONValue {
        func exclusion(_ e: FaultExclusion) -> JSONValue {
            .object([("code", .number(UInt64(e.code))), ("name", .string(name(of: e.code))), ("why", .string(e.why))])
        }
        return .object([
            ("architecture", .string(architecture)),
            ("raised", .array(raised.map { c in
                .object([("code", .number(UInt64(c.code))), ("name", .string(name(of: c.code))), ("condition", .string(c.condition)),
                         ("source", .string(c.source)), ("scenario", .string(c.scenario))])
            })),
            ("unreachable", .array(unreachable.map(exclusion))),
            ("never_raised", .array(neverRaised.map(exclusion))),
        ])
    }
}
