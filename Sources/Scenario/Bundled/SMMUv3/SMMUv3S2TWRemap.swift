/// `smmuv3-s2tw-remap`: the stage-2 translations of stage-1 table fetches are cached (S2-TW), so a host
/// that moves a guest table page must send TLBI_S2_IPA, not only TLBI_NH_ALL.
enum SMMUv3S2TWRemap {
    static let scenario = BundledScenario(name: "smmuv3-s2tw-remap", summary: "SMMUv3 nesting: the host moves a guest table page and sends only TLBI_NH_ALL; the cached stage-2 translation of the table fetch (S2-TW) sends the next DMA astray", text: #"""
# In a nested SMMUv3 every stage-1 table the SMMU fetches sits at an IPA, so each fetch needs a stage-2
# translation. The SMMU may keep those in its stage-2 TLB, tagged VMID and IPA (IHI0070 16.2 "a stage 2
# TLB (IPA to PA)"; 3.21: TLB entries "that might have translated a stage 1 descriptor access"; QEMU's
# translate_table_addr_ipa does), and only stage-2 invalidations remove them: TLBI_S2_IPA, S12_VMALL or
# NSNH_ALL. Linux sends TLBI_S2_IPA and then TLBI_NH_ALL when a nesting parent changes
# (arm_smmu_tlb_inv_range_domain). A host that moves a guest page holding a table and sends only the
# stage-1 flush leaves the old translation behind, and `check` finds it.
smmu oas=48
device nic sid=0x10

step "Nesting: stage 2, the guest's stage 1, the STE and the CD"
note As in smmuv3-nested-basics: 16 MiB of guest RAM at PA 0x1_0000_0000 in 4 KiB stage-2 pages, and the
note guest's tables from IPA 0x10_0000 (its L0 at 0x10_0000, L1 0x10_1000, L2 0x10_2000, L3 0x10_3000,
note then the CD table at 0x10_4000). VA 0x4000_0000 and 0x4000_1000 map to IPA 0x20_0000 and 0x20_1000.
space s2 arm-s2 granule=4K ia=48
map s2 0x0 -> 0x1_0000_0000 16M rw page=4K
guest-tables s2 at=0x10_0000 size=1M
space s1 arm-s1 granule=4K ia=48 in s2
map s1 0x4000_0000 -> 0x20_0000 8K rwu
ste nic config=nested s2=s2 vmid=1
cd nic asid=2 s1=s1

step "A cold DMA: the stage-2 translations of the table fetches are cached"
note 24 table reads. Besides the TLB and the walk caches, the SMMU keeps five stage-2 translations in S2-TW:
note the IPA pages of the CD table and of the four stage-1 tables, each with its PA (pane 3, tab S2-TW).
dma read nic 0x4000_0000
expect walk-reads=24
expect entries s2-tw=5

step "After TLBI_NH_ALL the next walk fetches its tables without stage-2 walks"
note TLBI_NH_ALL removes the stage-1 TLB and walk-cache entries of VMID 1, not the stage-2 translations. The
note walk of 0x4000_1000 reads the four stage-1 descriptors again, but every table IPA comes from S2-TW: the
note grid's S2 L3 column shows them as cache hits (○), and the output IPA's stage-2 walk resumes from the
note stage-2 walk cache: 5 table reads instead of 24.
cmd tlbi-nh-all vmid=1 ; sync
dma read nic 0x4000_1000
expect walk-reads=5
expect hpa=0x1_0020_1000

step "The host migrates the guest page holding the last-level table"
note The host moves guest page IPA 0x10_3000 (the guest's L3 table) from PA 0x1_0010_3000 to PA 0x1_00F0_0000:
note it copies both descriptors, points stage 2 at the new page and reuses the old one, which gets a
note descriptor of its new owner (to IPA 0x80_0000). Then it sends only TLBI_NH_ALL, as if the change were
note the guest's. S2-TW still translates IPA 0x10_3000 to the old PA: one stale entry.
write 0x1_00F0_0000 0x60_0000_0020_0f47
write 0x1_00F0_0008 0x60_0000_0020_1f47
unmap s2 0x10_3000 4K
map s2 0x10_3000 -> 0x1_00F0_0000 4K rw page=4K
write 0x1_0010_3008 0x60_0000_0080_0f47
cmd tlbi-nh-all vmid=1 ; sync
expect stale=1

step "The next DMA walks the old page"
note The stage-1 walk of 0x4000_1000 takes its L3 table's PA from the stale S2-TW entry and reads the reused
note page: the DMA lands at PA 0x1_0080_0000, where memory says 0x1_0020_1000. `check` reports the stale use
note and its proven fix: CMD_TLBI_S2_IPA of IPA 0x10_3000 with Leaf = 1 (the entry is a last-level stage-2
note translation).
dma read nic 0x4000_1000
expect hpa=0x1_0080_0000

step "What Linux sends for a nesting parent: TLBI_S2_IPA, then TLBI_NH_ALL"
note arm_smmu_tlb_inv_range_domain invalidates the stage-2 range and then all stage-1 entries of the VMID
note (the TLB entry the stray DMA just made). Nothing is stale and the DMA reaches the right page.
cmd tlbi-s2-ipa vmid=1 addr=0x10_3000 leaf=1 ; tlbi-nh-all vmid=1 ; sync
expect stale=0
dma read nic 0x4000_1000
expect hpa=0x1_0020_1000
"""#, demonstratesBug: true)
}
