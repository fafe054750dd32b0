/// Pane 1's content as the architecture describes it: the configuration structures that route a
/// device's requests (VT-d context and PASID entries; SMMUv3 STEs and CDs), read from memory with
/// the field tables. A listing, not a walk: nothing is translated and no cache is touched.
public struct ConfigurationView: Sendable {
    /// The pane title ("PASID entries", "Context entries", "Stream table") and its short form.
    public var title: String
    public var shortTitle: String
    /// True when the rows are one device's (the pane shows device tabs), false when every device's.
    public var perDevice: Bool
    /// Beside the title when the pane lists every device (`2-level SPLIT 8 at 0x8000_0000`).
    public var accessory: String
    /// What the header says the listed device is, when the view is one device's (`nic 00:02.0`, compact `nic`).
    public var deviceHeader: [(full: String, compact: String)]
    /// The line above the table (the selected device's context entry), empty for none.
    public var headline: [UnitCell]
    public var emptyText: String
    /// From this pane width the wide columns show.
    public var wideFrom: Int
    /// nil when `r` can show raw words; else why it cannot.
    public var rawUnavailable: String?
    /// Columns for (raw, wide).
    public var columns: @Sendable (_ raw: Bool, _ wide: Bool) -> [UnitColumn]
    public var count: Int
    /// Row `i` for (raw, wide).
    public var row: @Sendable (_ index: Int, _ raw: Bool, _ wide: Bool) -> ConfigurationRow
    /// The first row of each device's group, for `[` `]` when the pane lists every device.
    public var groupStarts: [Int]

    public init(title: String, shortTitle: String? = nil, perDevice: Bool, accessory: String = "",
                deviceHeader: [(full: String, compact: String)] = [], headline: [UnitCell] = [],
                emptyText: String, wideFrom: Int, rawUnavailable: String? = nil,
                columns: @escaping @Sendable (Bool, Bool) -> [UnitColumn], count: Int,
                row: @escaping @Sendable (Int, Bool, Bool) -> ConfigurationRow, groupStarts: [Int] = []) {
        self.title = title; self.shortTitle = shortTitle ?? title; self.perDevice = perDevice; self.accessory = accessory
        self.deviceHeader = deviceHeader
        self.headline = headline; self.emptyText = emptyText; self.wideFrom = wideFrom; self.rawUnavailable = rawUnavailable
        self.columns = columns; self.count = count; self.row = row; self.groupStarts = groupStarts
    }
}

/// One configuration entry as pane 1 lists it.
public struct ConfigurationRow: Sendable {
    /// Keeps the selection on the same entry across steps.
    public var id: String
    public var cells: [UnitCell]
    public var tone: UnitTone
    /// The configuration-cache entry this row is cached as (a stale finding with this key marks it).
    public var key: CacheEntryKey?
    /// The device whose entry it is.
    public var device: Device?
    /// The fields the columns leave out, for the lines under the table (empty: none); made when the
    /// row is selected, not for every row drawn.
    public var footnote: @Sendable () -> [UnitCell]
    /// What the header says the selection is (`nic 00:02.0`, `PASID 5`; compact forms for narrow screens).
    public var headerParts: [(full: String, compact: String)]
    /// The scope tags of the entry as queue-entry field names (`did`, `pasid`; `sid`, `vmid`, `asid`): where the `i` builder starts.
    public var scope: [(String, UInt64)]
    /// Enter: every field of the entry and where it sits (made when asked: it decodes the entry).
    public var detail: @Sendable () -> (title: String, text: String)?
    /// `d`: the entry in the decoder.
    public var decode: UnitDecodeRequest?

    public init(id: String, cells: [UnitCell], tone: UnitTone = .normal, key: CacheEntryKey? = nil, device: Device? = nil,
                footnote: @escaping @Sendable () -> [UnitCell] = { [] }, headerParts: [(full: String, compact: String)] = [], scope: [(String, UInt64)] = [],
                detail: @escaping @Sendable () -> (title: String, text: String)? = { nil }, decode: UnitDecodeRequest? = nil) {
        self.id = id; self.cells = cells; self.tone = tone; self.key = key; self.device = device; self.footnote = footnote
        self.headerParts = headerParts; self.scope = scope; self.detail = detail; self.decode = decode
    }
}
