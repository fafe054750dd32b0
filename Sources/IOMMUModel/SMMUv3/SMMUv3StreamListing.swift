/// Pane 1's content on SMMUv3: each device's STE followed by its CDs, read from memory through the
/// model's read-only views (`SMMUv3Unit.steView`, `contextDescriptors`), the way the Linux driver's
/// debugfs or `arm_smmu_get_step_for_sid` would find them. A listing: nothing cached, nothing counted.
public struct SMMUv3StreamListing: Sendable {
    /// One device's stream: its STE and the CDs of its CD table.
    public struct Stream: Sendable {
        public var device: Device
        public var ste: SMMUv3STEView
        public var cds: [SMMUv3CDView]
        /// The CD listing stopped at its limit.
        public var truncated: Bool
    }

    /// A row of the pane: an STE or one of its CDs.
    public enum Row: Sendable, Equatable {
        case ste(stream: Int)
        case cd(stream: Int, cd: Int)

        public var stream: Int {
            switch self {
            case .ste(let s), .cd(let s, _): s
            }
        }
    }

    public var streams: [Stream] = []
    public var rows: [Row] = []
    /// `2-level SPLIT 8 at 0x8000_0000`.
    public var streamTable = ""

    public init() {}

    public init(unit: SMMUv3Unit, memory: PhysicalMemory, devices: [Device]) {
        switch unit.configuration.streamTable {
        case .linear: streamTable = "linear at \(groupedHex(unit.streamTableBase))"
        case .twoLevel(let split): streamTable = "2-level SPLIT \(split) at \(groupedHex(unit.streamTableBase))"
        }
        for d in devices {
            let ste = unit.steView(sid: d.sid, memory: memory)
            let (cds, truncated) = unit.contextDescriptors(of: ste, memory: memory, limit: 256)
            rows.append(.ste(stream: streams.count))
            for i in cds.indices { rows.append(.cd(stream: streams.count, cd: i)) }
            streams.append(Stream(device: d, ste: ste, cds: cds, truncated: truncated))
        }
    }

    /// The STE's decoded configuration, when it decodes.
    public static func config(_ ste: SMMUv3STEView) -> SMMUv3StreamConfig? {
        if case .success(let c)? = ste.config { return c }
        return nil
    }

    /// `4K L0-3`: the granule and the levels a walk from this geometry reads.
    public static func walkText(_ g: SMMUv3StageGeometry) -> String {
        "\(granuleLabel(g.granule)) L\(g.startLevel)-3"
    }

    public static func granuleLabel(_ g: LPAEGranule) -> String {
        switch g {
        case .k4: "4K"
        case .k16: "16K"
        case .k64: "64K"
        }
    }

    /// The decoder's `--granule` value.
    public static func granuleParameter(_ g: LPAEGranule) -> String { granuleLabel(g).lowercased() }
}
