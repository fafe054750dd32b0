/// `smmuv3-nested-basics`: Arm SMMUv3 nesting from scratch, a cold 4×4 walk, then the caches.
enum SMMUv3NestedBasics {
    static let scenario = BundledScenario(name: "smmuv3-nested-basics", summary: "SMMUv3 nesting from scratch: STE, CD through stage 2, a cold 4x4 walk (24 reads), then the caches", text: #"""
# Arm SMMUv3 nesting from scratch: the guest's stage 1 (a CD's TTB0, in IPAs) over the host's stage 2
# (the STE's S2TTB). The first DMA walks cold: 24 descriptor reads for a 4-level stage 1 over a 4-level
# stage 2, after the STE and the CD, which is itself at an IPA and needs a stage-2 walk of its own.
smmu oas=48
device nic sid=0x10

step "Stage 2: the host maps guest RAM"
note The host kernel owns stage 2, IPA to PA (iommufd builds it with io-pgtable-arm). 16 MiB of guest RAM
note sits at PA 0x1_0000_0000, mapped with 4 KiB pages so every stage-2 walk goes down to level 3. A 48-bit
note IPA with the 4 KiB granule starts at level 0: the STE will say S2T0SZ = 16, S2SL0 = 2.
space s2 arm-s2 granule=4K ia=48
map s2 0x0 -> 0x1_0000_0000 16M rw page=4K
guest-tables s2 at=0x10_0000 size=1M

step "Stage 1: the guest maps an IOVA"
note The guest's SMMU driver owns stage 1, VA to IPA. Its page tables, and soon its CD table, live in guest
note memory from IPA 0x10_0000, so the SMMU reaches every one of them through stage 2.
space s1 arm-s1 granule=4K ia=48 in s2
map s1 0x4000_0000 -> 0x20_0000 8K rwu

step "The STE: nested, VMID 1"
note The host writes the device's STE with Config = 0b111 (both stages). The stage-2 fields and VMID are the
note host's; S1ContextPtr points at the guest's CD table, an IPA. The two-level stream table gets an L1STD
note and a level-2 array for StreamIDs 0x00-0xff (Linux: SPLIT = 8, Span = 9).
ste nic config=nested s2=s2 vmid=1

step "The guest's CD: ASID 2, TTB0 = its stage-1 root"
note The CD holds T0SZ = 16 and TG0 = 4 KiB (a 4-level walk from level 0), TTB0 as an IPA, ASID 2, and
note EPD1 = 1 (no TTB1 half), as Linux's arm_smmu_make_s1_cd writes it.
cd nic asid=2 s1=s1

step "A cold DMA: the 2-D walk"
note Nothing is cached. The L1STD and the STE come first; the CD is at an IPA, so fetching it already costs a
note 4-reference stage-2 walk (configuration, beside the grid). Then each of the four stage-1 table IPAs and
note the output IPA needs its own stage-2 walk: (4+1)(4+1)-1 = 24 table reads.
dma read nic 0x4000_0000
expect walk-reads=24
expect hpa=0x1_0020_0000

step "The same page again: the TLB"
note The SMMU still looks up the STE and the CD first (now in the configuration cache): they give the VMID and
note ASID the TLB entry is tagged with. The TLB answers VA to PA directly: no walk at all.
dma read nic 0x4000_0008
expect hit tlb
expect walk-reads=0

step "The next page: walk caches"
note 0x4000_1000 shares every table with 0x4000_0000. The stage-1 walk cache holds the level-2 table
note descriptor with the last table's PA, the stage-2 walk cache the output walk's level-2 descriptor: 2 table reads.
dma read nic 0x4000_1000
expect walk-reads=2
expect hpa=0x1_0020_1000

step "The guest unmaps a page and invalidates it"
note The guest clears the PTE and sends TLBI_NH_VA for ASID 2 with TG = 0: a non-range command, legal, which
note removes every cached leaf entry holding that address (SMMUv3 4.4.1.1). The VMM forwards it with VMID 1
note (iommufd overwrites the VMID of a guest's TLBI), and CMD_SYNC waits for it to complete.
unmap s1 0x4000_1000 4K
cmd tlbi-nh-va vmid=1 asid=2 addr=0x4000_1000 leaf=1 ; sync
expect removed=1
expect stale=0

step "The page is gone"
note The walk reaches the cleared descriptor: F_TRANSLATION (event 0x10) at stage 1, written to the event
note queue because the CD has R = 1. The guest's stage 1 faulted, so it is the guest that should hear of it.
dma read nic 0x4000_1000
expect fault 0x10
expect events=1
"""#, demonstratesBug: false)
}
