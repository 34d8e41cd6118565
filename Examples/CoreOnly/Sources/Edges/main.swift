import SobelCore

// A 640×480 RGB test card, filtered whole and tiled, checked against the scalar oracle.
let (width, height) = (640, 480)
var pixels: [UInt8] = []
pixels.reserveCapacity(width * height * 3)
for y in 0..<height {
    for x in 0..<width {
        let inside = (x - 320) * (x - 320) + (y - 240) * (y - 240) < 150 * 150
        pixels += inside ? [250, 200, UInt8(x % 256)] : [UInt8(y % 256), 40, 90]
    }
}
let image = try Image(width: width, height: height, channels: 3, pixels: pixels)
let pipeline = try Pipeline(parsing: "gray,blur:3,sobel:l2")
let whole = try pipeline.run(on: image, threads: 2)
let plan = try TilePlan(width: width, height: height, tileWidth: 100, tileHeight: 70, halo: pipeline.halo)
let tiled = try pipeline.run(on: image, plan: plan, threads: 2)
let exact = whole == tiled && whole == ScalarReference.run(pipeline, on: image)
let edgePixels = whole.pixels.filter { $0 > 64 }.count
print("pipeline \(pipeline), \(plan.count) tiles, CPU level \(CPULevel.active?.rawValue ?? "portable Swift")")
print("edge pixels: \(edgePixels); tiled == whole == ScalarReference: \(exact)")
if !exact { fatalError("the tiled, whole and reference results differ") }
