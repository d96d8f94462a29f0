package dev.rlcompress.train;

import dev.rlcompress.model.PolicyModel;

/**
 * @param model the selected policy with all its heads (the best periodic evaluation, or the final
 *     weights when evaluation is off)
 * @param steps environment steps of the whole run, across resumes
 * @param seconds training time of the whole run, across resumes
 * @param stepsPerSecond the rate of this session (since the last start or resume)
 * @param bestEvalReturn mean return of the selected policy in training-time evaluation (NaN if none ran)
 * @param bestEvalStep the step it was selected at (-1 if none)
 * @param resumedFrom the step this session resumed from (-1 for a fresh run)
 * @param log the learning curve and, where the env reports positions, the rooms and cells visited
 */
public record TrainResult(PolicyModel model, long steps, double seconds, double stepsPerSecond, double bestEvalReturn,
    long bestEvalStep, long resumedFrom, TrainingLog.Summary log) {}
