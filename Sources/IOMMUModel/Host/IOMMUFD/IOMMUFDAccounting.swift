/// Pinning and charging for iommufd (drivers/iommu/iommufd/pages.c): a page index of an `iopt_pages`
/// is pinned while some area slicing it sits in an IOAS that has at least one domain; the pin count
/// change is charged after the fact (`pfn_reader_user_update_pinned` → `do_update_pinned`) to the
/// user or the mm by the pages' account mode, and `mm->pinned_vm` moves in every mode.
extension HostState {
    /// Index ranges of each pages object that are held (pinned) in `ctx`.
    static func iommufdHeld(_ ctx: IOMMUFDContext, pageShift: Int) -> [Int: [ClosedRange<UInt64>]] {
        var raw: [Int: [ClosedRange<UInt64>]] = [:]
        for case .ioas(let ioas) in ctx.objects.values where !ioas.domains.isEmpty {
            for a in ioas.areas {
                let first = a.startByte >> UInt64(pageShift)
                let last = (a.startByte + a.length - 1) >> UInt64(pageShift)
                raw[a.pages, default: []].append(first...last)
            }
        }
        return raw.mapValues(mergeRanges)
    }

    static func mergeRanges(_ r: [ClosedRange<UInt64>]) -> [ClosedRange<UInt64>] {
        var out: [ClosedRange<UInt64>] = []
        for x in r.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let l = out.last, l.upperBound == UInt64.max || x.lowerBound <= l.upperBound + 1 {
                out[out.count - 1] = l.lowerBound...max(l.upperBound, x.upperBound)
            } else {
                out.append(x)
            }
        }
        return out
    }

    static func count(_ r: [ClosedRange<UInt64>]) -> UInt64 { r.reduce(0) { $0 + ($1.upperBound - $1.lowerBound + 1) } }

    /// The pieces of `new` not covered by `old` (both merged).
    static func subtracting(_ old: [ClosedRange<UInt64>], from new: [ClosedRange<UInt64>]) -> [ClosedRange<UInt64>] {
        var out: [ClosedRange<UInt64>] = []
        for n in new {
            var pieces = [n]
            for o in old {
                pieces = pieces.flatMap { p -> [ClosedRange<UInt64>] in
                    guard p.overlaps(o) else { return [p] }
                    var r: [ClosedRange<UInt64>] = []
                    if p.lowerBound < o.lowerBound { r.append(p.lowerBound...(o.lowerBound - 1)) }
                    if p.upperBound > o.upperBound { r.append((o.upperBound + 1)...p.upperBound) }
                    return r
                }
            }
            out += pieces
        }
        return out
    }

    /// Makes `new` the context's state if the pins and charges it needs succeed; otherwise leaves
    /// everything as it was and says why.
    mutating func iommufdCommit(handle: Int, _ new: IOMMUFDContext) -> TableFailure? {
        guard let old = iommufds[handle] else { return TableFailure(errno: .EBADF, why: "no iommufd", function: "model") }
        let before = Self.iommufdHeld(old, pageShift: pageShift)
        let after = Self.iommufdHeld(new, pageShift: pageShift)
        var ctx = new
        var procs = processes
        var usrs = users
        for id in Set(before.keys).union(after.keys).sorted() {
            guard let pages = ctx.pages[id] ?? old.pages[id] else { continue }
            let b = before[id] ?? [], a = after[id] ?? []
            let oldN = Self.count(b), newN = Self.count(a)
            if newN > oldN {
                // pin_user_pages_fast of the newly held indices.
                for r in Self.subtracting(b, from: a) {
                    // A contiguous run at a time; a 64 GiB area is a handful of steps, not 16M.
                    let firstVA = pages.uptr &+ (r.lowerBound << UInt64(pageShift))
                    let total = (r.upperBound - r.lowerBound + 1) << UInt64(pageShift)
                    var done: UInt64 = 0
                    while done < total {
                        let va = firstVA &+ done
                        guard let run = touchRun(pid: pages.pid, va: va, maxLength: total - done), !run.reserved else {
                            return TableFailure(errno: .EFAULT, why: "cannot pin user page \(hex(va)) (unmapped or VM_PFNMAP)", function: "pfn_reader_user_pin")
                        }
                        done += run.length
                    }
                }
                let delta = newN - oldN
                let limit = (procs[pages.pid]?.rlimitMemlock ?? 0) >> UInt64(pageShift)
                switch pages.accountMode {
                case .none: break
                case .user:
                    let cur = usrs[pages.uid]?.lockedVM ?? 0
                    if cur + delta > limit {
                        return TableFailure(errno: .ENOMEM, why: "user \(pages.uid) locked_vm \(cur) + \(delta) > RLIMIT_MEMLOCK \(limit) pages (per-user accounting)", function: "incr_user_locked_vm")
                    }
                    usrs[pages.uid, default: HostUserAccount(uid: pages.uid)].lockedVM = cur + delta
                case .mm:
                    let cur = procs[pages.pid]?.lockedVM ?? 0
                    if cur + delta > limit {
                        return TableFailure(errno: .ENOMEM, why: "mm of \(pages.pid) locked_vm \(cur) + \(delta) > RLIMIT_MEMLOCK \(limit) pages (per-mm accounting)", function: "update_mm_locked_vm (__account_locked_vm)")
                    }
                    procs[pages.pid]?.lockedVM = cur + delta
                }
                procs[pages.pid]?.pinnedVM += delta
            } else if newN < oldN {
                let delta = oldN - newN
                switch pages.accountMode {
                case .none: break
                case .user:
                    let cur = usrs[pages.uid]?.lockedVM ?? 0
                    usrs[pages.uid]?.lockedVM = cur - min(delta, cur)
                case .mm:
                    let cur = procs[pages.pid]?.lockedVM ?? 0
                    procs[pages.pid]?.lockedVM = cur - min(delta, cur)
                }
                let pinned = procs[pages.pid]?.pinnedVM ?? 0
                procs[pages.pid]?.pinnedVM = pinned - min(delta, pinned)
            }
            ctx.pages[id]?.npinned = newN
        }
        // Pages objects no area references any more are released (iopt_release_pages).
        var referenced = Set<Int>()
        for case .ioas(let ioas) in ctx.objects.values { for a in ioas.areas { referenced.insert(a.pages) } }
        for id in ctx.pages.keys where !referenced.contains(id) { ctx.pages[id] = nil }
        // touch() may have allocated frames in `processes`; keep them, then apply the counters.
        for (pid, p) in procs {
            processes[pid]?.lockedVM = p.lockedVM
            processes[pid]?.pinnedVM = p.pinnedVM
        }
        users = usrs
        iommufds[handle] = ctx
        return nil
    }

    /// Physically contiguous runs of an area, for `mapRange` actions (`batch_to_domain`).
    mutating func iommufdRuns(_ area: IOPTArea, pages: IOPTPages) -> [(iova: UInt64, hpa: UInt64, size: UInt64)] {
        var runs: [(iova: UInt64, hpa: UInt64, size: UInt64)] = []
        var off: UInt64 = 0
        while off < area.length {
            let va = pages.uptr &+ area.startByte &+ off
            guard let pg = touchRun(pid: pages.pid, va: va, maxLength: area.length - off) else { break }
            if let l = runs.last, l.hpa &+ l.size == pg.hpa {
                runs[runs.count - 1].size += pg.length
            } else {
                runs.append((area.iova + off, pg.hpa, pg.length))
            }
            off += pg.length
        }
        return runs
    }

    /// Map actions for `areas` into `domain`. With IOMMU_OPTION_HUGE_PAGES off the IOAS maps one
    /// PAGE_SIZE at a time (`batch_to_domain` → `batch_iommu_map_small`), so the domain gets no
    /// large leaves; otherwise each contiguous run is one `iommu_map` and the driver picks the sizes.
    mutating func iommufdMapActions(_ ctx: IOMMUFDContext, areas: [IOPTArea], domain: HostDomainID, smallPages: Bool = false) -> [HardwareAction] {
        var out: [HardwareAction] = []
        for a in areas {
            guard let p = ctx.pages[a.pages] else { continue }
            for r in iommufdRuns(a, pages: p) {
                if smallPages {
                    var off: UInt64 = 0
                    while off < r.size {
                        let n = min(pageSize - ((r.iova + off) & (pageSize - 1)), r.size - off)
                        out.append(.mapRange(domain: domain, iova: r.iova + off, hpa: r.hpa + off, size: n, read: a.read, write: a.write))
                        off += n
                    }
                } else {
                    out.append(.mapRange(domain: domain, iova: r.iova, hpa: r.hpa, size: r.size, read: a.read, write: a.write))
                }
            }
        }
        return out
    }
}
