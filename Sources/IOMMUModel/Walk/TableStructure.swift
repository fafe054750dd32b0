/// Which page-table structure a walk reference read, packed in three bytes so a `MemoryReference`
/// stays a plain store: enough for views to name levels, stages and addresses and to decode the
/// entry without asking which architecture made the walk. Each architecture declares its families
/// in its own folder (`TableStructure.vtdFirstStage`, `.arm(stage:_:)`), described by a
/// `TableFamilyInfo` in the registration list `WalkVocabulary.tableFamilies`.
public struct TableStructure: Sendable, Hashable {
    /// A registered table family: an index into `WalkVocabulary.tableFamilies`.
    public struct Family: Sendable, Hashable {
        public let rawValue: UInt8
        /// No page table (configuration structures, finished translations).
        public static let none = Family(rawValue: 0)

        /// The family registered under `id`. Registration is static, so a missing one is a
        /// programming error that the first test using the family finds.
        public init(registered id: String) {
            guard let i = WalkVocabulary.tableFamilies.firstIndex(where: { $0.id == id }) else {
                preconditionFailure("table family \(id) is not listed in WalkVocabulary.tableFamilies")
            }
            rawValue = UInt8(i)
        }

        init(rawValue: UInt8) { self.rawValue = rawValue }

        public var info: TableFamilyInfo { WalkVocabulary.tableFamilies[Int(rawValue)] }
    }

    public var family: Family
    /// log2 of the granule (12 for VT-d).
    public var granuleShift: UInt8
    /// How levels are numbered, copied from the family so the walk's hot loops need no lookup:
    /// 0 counts up from 1 as the builder does (VT-d, AMD-Vi); n counts down, user level = n − builder
    /// level (VMSAv8-64: 4).
    public let countDownFrom: UInt8

    public init(_ family: Family, granuleShift: Int = 12) {
        self.family = family
        self.granuleShift = UInt8(truncatingIfNeeded: granuleShift)
        self.countDownFrom = family == .none ? 0 : family.info.countDownFrom
    }

    public static let none = TableStructure(.none)

    public var info: TableFamilyInfo { family.info }
    /// 1 for a first stage / stage 1, 2 for a second stage / stage 2, 0 for none.
    public var stage: Int { info.stage }

    /// The level as the architecture numbers it, from the builder's bottom-up level
    /// (VT-d counts up from 1 = 4 KiB entries; VMSAv8-64 counts down, level 3 holds pages).
    @inline(__always) public func userLevel(_ builderLevel: Int) -> Int { countDownFrom == 0 ? builderLevel : Int(countDownFrom) - builderLevel }
    /// The inverse of `userLevel`.
    @inline(__always) public func builderLevel(fromUser level: Int) -> Int { countDownFrom == 0 ? level : Int(countDownFrom) - level }
    public func levelLabel(userLevel: Int) -> String { "L\(userLevel)" }

    /// `FS`/`SS` on VT-d, `S1`/`S2` on Arm, `V2`/`V1` on AMD-Vi.
    public var stageLabel: String { info.stageLabel }
    /// The name of the addresses this structure translates from (IOVA/GPA, VA/IPA, GVA/GPA).
    public var inputName: String { info.addressNames.input }
    /// What a nested walk's intermediate address is called (GPA on VT-d, IPA on Arm).
    public var intermediateName: String { info.addressNames.intermediate }
    /// What the final output is called (HPA on VT-d, PA on Arm, SPA on AMD-Vi).
    public var outputName: String { info.addressNames.output }

    /// The decoder KIND and parameters for an entry of this structure read at `userLevel`.
    public func decoderKind(userLevel: Int) -> (kind: String, params: [String: String]) {
        info.decoder(self, userLevel)
    }
}

/// What the views need to know of one table family: names and how to decode an entry.
public struct TableFamilyInfo: Sendable {
    /// A stable key (`vtd-fs`), the registration's name for the family.
    public let id: String
    /// 1 for a first stage / stage 1, 2 for a second stage / stage 2.
    public let stage: Int
    public let stageLabel: String
    /// Input, intermediate and output names as this family's walks use them.
    public let addressNames: AddressNames
    /// 0: levels count up from 1 as the builder's do; n: user level = n − builder level.
    public let countDownFrom: UInt8
    /// The decoder kind and parameters for an entry at a user level.
    public let decoder: @Sendable (TableStructure, Int) -> (kind: String, params: [String: String])

    public init(id: String, stage: Int, stageLabel: String, addressNames: AddressNames, countDownFrom: UInt8 = 0,
                decoder: @escaping @Sendable (TableStructure, Int) -> (kind: String, params: [String: String])) {
        self.id = id; self.stage = stage; self.stageLabel = stageLabel; self.addressNames = addressNames
        self.countDownFrom = countDownFrom; self.decoder = decoder
    }

    /// The family of no table.
    static let none = TableFamilyInfo(id: "none", stage: 0, stageLabel: "-", addressNames: AddressNames(input: "address", intermediate: "GPA", output: "HPA"),
                                      decoder: { _, _ in ("", [:]) })

    /// A family whose entries decode with one kind and the level as its only parameter (`vtd-fspte level=N`).
    public static func levelled(id: String, stage: Int, stageLabel: String, addressNames: AddressNames, decoderKind: String) -> TableFamilyInfo {
        TableFamilyInfo(id: id, stage: stage, stageLabel: stageLabel, addressNames: addressNames,
                        decoder: { _, level in (decoderKind, ["level": String(level)]) })
    }
}
