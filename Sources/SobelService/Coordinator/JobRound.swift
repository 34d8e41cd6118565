import SobelCore

/// One pass of a job's tiles through the workers: a ``PipelineStage``'s local steps over a plan of its own.
/// A pipeline without global steps is one round; each global step followed by a neighbourhood step adds
/// one, which reads the previous round's whole output after the global step's table.
struct JobRound: Sendable {
    /// The steps the workers run, and the table the coordinator applies after the round.
    let stage: PipelineStage
    /// The round's tiles, with the halo its local steps need.
    let plan: TilePlan
    /// The job-wide index of the round's first tile: rounds number their tiles one after another.
    let firstTile: Int
    /// The tiles of every round of the job.
    let jobTiles: Int

    /// The rounds of a job: the same tile shape in every round, each with its stage's halo.
    /// - Parameters:
    ///   - pipeline: The job's pipeline.
    ///   - plan: A function from a halo to the plan (the job's tile size, or the coordinator's choice).
    /// - Returns: The rounds, first to last.
    static func rounds(of pipeline: Pipeline, plan: (_ halo: Int) throws -> TilePlan) throws -> [JobRound] {
        let plans = try pipeline.stages.map { ($0, try plan($0.local.halo)) }
        let total = plans.reduce(0) { $0 + $1.1.count }
        var first = 0
        return plans.map { stage, plan in
            defer { first += plan.count }
            return JobRound(stage: stage, plan: plan, firstTile: first, jobTiles: total)
        }
    }

    /// The round's tile with a job-wide index, if it is one of the round's.
    func localIndex(of jobTile: Int) -> Int? {
        (firstTile..<firstTile + plan.count).contains(jobTile) ? jobTile - firstTile : nil
    }
}
