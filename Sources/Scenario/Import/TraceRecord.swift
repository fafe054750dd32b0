/// One thing a trace or dump says, read from one line (or a few, for wrapped lines and SMMU events),
/// with the line it starts on and that line's text.
public struct TraceRecord: Sendable {
    public var line: Int
    public var text: String
    public var body: Body

    public init(line: Int, text: String, _ body: Body) {
        self.line = line
        self.text = text
        self.body = body
    }

    /// Which generation of the `iommu:map`/`unmap` format a line used (trace_formats.md §1.2).
    public enum MapForm: String, Sendable {
        /// `iova=.. - ..` with the end computed by the kernel (current kernels).
        case range
        /// `iova=.. paddr=..` / `iova=.. size=..` (earlier kernels).
        case old
    }

    public enum Body: Sendable {
        /// `iommu:map` — `dev` only in the never-merged 2021 `dev=` patch.
        case map(iova: UInt64, paddr: UInt64, size: UInt64, device: String?, form: MapForm)
        /// `iommu:unmap` — `unmapped` may be smaller than `size` (partial) or 0.
        case unmap(iova: UInt64, size: UInt64, unmapped: UInt64, device: String?, form: MapForm)
        /// `iommu:io_page_fault` (trace_formats.md §1.3).
        case ioPageFault(driver: String, device: String, iova: UInt64, flags: UInt64)
        /// `intel_iommu:qi_submit`: the type name as printed, the unit, qw0..qw3.
        case qiSubmit(typeName: String, unit: String, qwords: [UInt64])
        /// debugfs `invalidation_queue`: `Invalidation queue on IOMMU: NAME`.
        case queueStart(unit: String)
        /// ` Base: 0x..  Head: N  Tail: N` (Head/Tail are descriptor indices).
        case queueState(unit: String, base: UInt64, head: UInt64, tail: UInt64)
        /// One slot: its index, qw0..qw1 (legacy) or qw0..qw3 (scalable), and the driver's status word.
        case queueSlot(unit: String, index: Int, qwords: [UInt64], status: UInt64)
        /// The end of one unit's queue dump (the next unit, another file, or the end of the input).
        case queueEnd(unit: String)
        /// debugfs `dmar_translation_struct`: `IOMMU NAME: Root Table Address: 0x..`.
        case rootTable(unit: String, address: UInt64)
        /// One row: B:D.F, root entry and context entry (low qword first), PASID (-1 for legacy, nil
        /// in the pre-PASID layout) and the PASID entry's val[0], val[1], val[2].
        case translationRow(unit: String, bus: UInt8, device: UInt8, function: UInt8, root: [UInt64],
                            context: [UInt64], pasid: Int?, pasidEntry: [UInt64])
        /// `DMA Remapping is not enabled on NAME`.
        case remappingOff(unit: String)
        /// arm-smmu-v3 `event 0xNN received:` and its four dwords.
        case smmuEvent(smmu: String, id: UInt64, dwords: [UInt64])
        /// The decoded lines newer kernels print after the raw dump; `text` is the whole message.
        case smmuDecodedEvent(smmu: String, name: String, sid: UInt64?, ssid: UInt64?, iova: UInt64?, text: String)
        /// QEMU `vtd_inv_desc`: type name as QEMU prints it, and the descriptor's high and low qwords.
        case qemuInvalidation(typeName: String, high: UInt64, low: UInt64)
        /// A QEMU fault or event line (`vtd_dmar_fault`, `smmuv3_record_event`, `smmuv3_translate_abort`).
        case qemuFault(event: String, arguments: String)
        /// ftrace `CPU:N [LOST M EVENTS]`.
        case lostEvents(count: UInt64?)
        /// debugfs `domain_translation_struct`: `Device NAME [with pasid N] @0xROOT`.
        case pageTableStart(device: String, pasid: UInt32?, root: UInt64)
        /// One row: the IOVA's page number and the entries on its walk path as printed, PML5E first
        /// (3 to 5 of them; the last one printed is the leaf in the 2023 layout).
        case pageTableRow(device: String, pasid: UInt32?, root: UInt64, iovaPFN: UInt64, path: [UInt64])
        /// debugfs `iommu_regset`: `IOMMU: NAME Register Base Address: HEX`.
        case registerBase(unit: String, base: UInt64?)
        /// One register row: name, offset and contents (32-bit registers printed 64 bits wide).
        case register(unit: String, name: String, offset: UInt64, value: UInt64)
        /// debugfs `ir_translation_struct`: the table of one unit (`IR table address:HEX`).
        case interruptTable(unit: String, posted: Bool, address: UInt64?)
        /// One IRTE row: its index and source id as printed, and the 128-bit entry (high, low qwords).
        case interruptEntry(unit: String, posted: Bool, index: Int, source: String, high: UInt64, low: UInt64)
        /// A line that is an event with named values but no structure to decode or replay: ftrace
        /// `intel_iommu:cache_tag_*`/`prq_report`, AMD-Vi event log lines, QEMU walk and translate events.
        case event(format: String, name: String, fields: [EventField], summary: String)
    }

    /// One named value of an event line, as printed and (when it is a number) read.
    public struct EventField: Sendable, Equatable {
        public var name: String
        public var text: String
        public var value: UInt64?
        public init(_ name: String, _ text: String, _ value: UInt64? = nil) {
            self.name = name
            self.text = text
            self.value = value
        }
    }
}
