/// `vtd-nested-basics`: a 4-level first stage over a 4-level second stage, its first DMA cold.
enum VTdNestedBasics {
    static let scenario = BundledScenario(name: "vtd-nested-basics", summary: "VT-d nesting from scratch: a cold 4x4 walk (24 reads), then the caches", text: #"""
# VT-d nesting from scratch: a 4-level first stage (the guest's) over a 4-level second stage (the
# host's). The first DMA walks cold and reads 24 page-table entries; the caches then cut it down.
vtd scalable haw=48
device nic sid=00:02.0

step "Stage 2: the host maps guest RAM"
note The host kernel owns stage 2, GPA to HPA. 16 MiB of guest RAM sits at HPA 0x1_0000_0000,
note mapped with 4 KiB pages so that every stage-2 walk goes down all four levels.
space s2 vtd-ss levels=4
map s2 0x0 -> 0x1_0000_0000 16M rw page=4K
guest-tables s2 at=0x10_0000 size=1M

step "Stage 1: the guest maps an IOVA"
note The guest owns stage 1, IOVA to GPA. Its page tables live in guest memory (from GPA 0x10_0000),
note so the IOMMU reaches every one of them through stage 2.
space s1 vtd-fs levels=4 in s2
map s1 0x4000_0000 -> 0x20_0000 8K rwu

step "The PASID entry ties them together"
note PGTT=3 (nested): FSPTPTR holds the guest's root as a GPA, SSPTPTR the host's root as an HPA, and
note DID 2 tags every cache entry this PASID makes.
attach nic pasid=5 pgtt=nested did=2 fs=s1 ss=s2

step "A cold DMA: the 2-D walk"
note Nothing is cached. Each of the four stage-1 table pointers and the final output is a GPA that
note needs a 4-reference stage-2 walk: (4+1)(4+1)-1 = 24 table reads, plus root, context, PASID directory
note and PASID entry: 4 configuration reads before the walk.
dma read nic pasid=5 0x4000_0000
expect walk-reads=24
expect hpa=0x1_0020_0000

step "The same page again: an IOTLB hit"
note The IOTLB keeps the combined IOVA-to-HPA translation, tagged with DID 2 and PASID 5: no walk at all.
dma read nic pasid=5 0x4000_0008
expect hit iotlb
expect walk-reads=0

step "The next page: paging-structure caches"
note 0x4000_1000 shares every table with 0x4000_0000. The first-stage paging-structure cache holds the
note PDE with the HPA of the last table, and the second-stage one the PDE of the output's walk: 2 table reads.
dma read nic pasid=5 0x4000_1000
expect walk-reads=2
expect hpa=0x1_0020_1000
expect stale=0
"""#, demonstratesBug: false)
}
