/// Lists a device's configuration structures — root entry, context entry, PASID directory and
/// PASID table — from modelled memory with the field tables, the way debugfs
/// `dmar_translation_struct` dumps them (VT-d spec 9.1–9.6). A listing of entries, not a walk:
/// nothing is translated and no cache is touched.
public enum VTdConfigurationReader {
    /// A device's context entry as it sits in memory.
    public struct Context: Sendable, Equatable {
        public var sid: UInt16
        /// Host-physical address of the entry.
        public var address: UInt64
        /// 4 qwords in scalable mode, 2 in legacy mode.
        public var words: [UInt64]
        public var scalable: Bool

        public var present: Bool {
            scalable ? VTdScalableContextEntryFormat.p.value(in: words) == 1 : VTdContextEntryFormat.p.value(in: words) == 1
        }
    }

    /// A PASID-table slot that holds something (present or not).
    public struct PASIDSlot: Sendable, Equatable {
        public var pasid: UInt32
        /// Host-physical address of the 512-bit entry.
        public var address: UInt64
    }

    /// The non-zero PASID-table entries of one device, in PASID order.
    public struct PASIDListing: Sendable {
        public var context: Context?
        public var slots: [PASIDSlot] = []
        /// Why there is nothing to list (no unit, no root table, context not present...).
        public var problem: String?
        /// True when the listing stopped at its limit.
        public var truncated = false
    }

    /// The context entry for `sid`, or why there is none.
    public static func context(_ unit: VTdUnit, memory: PhysicalMemory, sid: UInt16) -> Result<Context, ReadProblem> {
        guard let rta = unit.rootTable else { return .failure(ReadProblem("no root table programmed (RTADDR)")) }
        let bus = UInt64(sid >> 8), devfn = UInt64(sid & 0xff)
        let root = memory.read(rta + bus * 16, count: 2)
        if unit.scalableMode {
            let upper = devfn >= 128
            let present = upper ? VTdRootEntryFormat.up.value(in: root) : VTdRootEntryFormat.lp.value(in: root)
            guard present == 1 else {
                return .failure(ReadProblem("root entry for bus \(hex(bus)) has \(upper ? "UP" : "LP") = 0: no context table yet"))
            }
            let table = upper ? VTdRootEntryFormat.uctp.value(in: root) : VTdRootEntryFormat.lctp.value(in: root)
            let address = table + (devfn & 0x7f) * 32
            return .success(Context(sid: sid, address: address, words: memory.read(address, count: 4), scalable: true))
        }
        guard VTdRootEntryFormat.p.value(in: root) == 1 else {
            return .failure(ReadProblem("root entry for bus \(hex(bus)) not present: no context table yet"))
        }
        let address = VTdRootEntryFormat.ctp.value(in: root) + devfn * 16
        return .success(Context(sid: sid, address: address, words: memory.read(address, count: 2), scalable: false))
    }

    /// Every PASID-table entry of `sid` that is not all zero (detached entries keep their fields
    /// with P = 0, and are worth seeing), at most `limit` of them.
    public static func pasidEntries(_ unit: VTdUnit, memory: PhysicalMemory, sid: UInt16, limit: Int = 1 << 16) -> PASIDListing {
        var out = PASIDListing()
        let context: Context
        switch self.context(unit, memory: memory, sid: sid) {
        case .failure(let p): out.problem = p.message; return out
        case .success(let c): context = c
        }
        out.context = context
        guard context.scalable else { out.problem = "legacy mode: no PASID tables"; return out }
        guard context.present else { out.problem = "context entry not present (attach writes it)"; return out }
        let ce = context.words
        let f = VTdScalableContextEntryFormat.self
        let dirEntries = UInt64(1) << (f.pdts.value(in: ce) + 7)
        let dir = f.pasiddirptr.value(in: ce)
        for i in 0..<dirEntries {
            let pde = memory.read64(dir + i * 8)
            guard VTdPASIDDirectoryEntryFormat.p.value(in: [pde]) == 1 else { continue }
            let table = VTdPASIDDirectoryEntryFormat.smptblptr.value(in: [pde])
            for j in UInt64(0)..<64 {
                let address = table + j * 64
                guard (0..<8).contains(where: { memory.read64(address + UInt64($0) * 8) != 0 }) else { continue }
                if out.slots.count >= limit { out.truncated = true; return out }
                out.slots.append(PASIDSlot(pasid: UInt32(i * 64 + j), address: address))
            }
        }
        return out
    }

    /// Why a structure could not be read.
    public struct ReadProblem: Error, Sendable, Equatable {
        public var message: String
        public init(_ m: String) { message = m }
    }
}
