//! The bridge between an [`Experiment`] and a [`Policy`]: the experiment's
//! data become the policy's state, and the policy's choice is recorded
//! back into the experiment.

use chrono::{DateTime, Utc};
use rand::Rng;

use super::{Policy, Tally};
use crate::error::Result;
use crate::metric::MetricData;
use crate::{Experiment, Metric, Post, Variant};

/// Bandits over an experiment's variants.
impl Experiment {
    /// Each variant's tally for `metric`, in variant order: the state a
    /// [`Policy`] reads. For a rate metric, successes out of trials (clicks
    /// out of impressions); for a count per exposure, events out of
    /// exposure. All data count: added counts, events, and posts.
    ///
    /// # Errors
    /// As [`Experiment::counts`] and [`Metric::extract`] (e.g.
    /// [`crate::Error::SuccessesExceedTrials`] naming the variant).
    ///
    /// # Example
    /// ```
    /// use postab::{counts, Experiment, Metric};
    ///
    /// let exp = Experiment::builder("x").variant("a", "A").variant("b", "B").control("a").build()?;
    /// exp.add_counts("b", counts! { impressions: 400, clicks: 12 })?;
    /// let t = exp.tallies(&Metric::click_through())?;
    /// assert_eq!((t[0].trials, t[1].successes, t[1].trials), (0, 12, 400));
    /// # Ok::<(), postab::Error>(())
    /// ```
    pub fn tallies(&self, metric: &Metric) -> Result<Vec<Tally>> {
        self.variants()
            .iter()
            .map(|v| {
                Ok(match metric.extract(v.id(), &self.counts(v.id())?)? {
                    MetricData::Binomial { successes, trials } => Tally { successes, trials },
                    MetricData::Poisson { count, exposure } => Tally {
                        successes: count,
                        trials: exposure,
                    },
                })
            })
            .collect()
    }

    /// The variant `policy` picks next from the experiment's data for
    /// `metric` ([`Experiment::tallies`]), without recording anything.
    ///
    /// # Errors
    /// As [`Experiment::tallies`] and [`Policy::choose`].
    pub fn choose_variant<P, R>(&self, policy: &P, metric: &Metric, rng: &mut R) -> Result<&Variant>
    where
        P: Policy,
        R: Rng + ?Sized,
    {
        let pick = policy.choose(&self.tallies(metric)?, rng)?;
        Ok(&self.variants()[pick])
    }

    /// Post by post: asks `policy` which variant to publish next and
    /// records the choice as a new [`Post`] of it (id `post_id`, published
    /// at `at`), so that the post's counts and events
    /// ([`Experiment::record_post`]) are attributed to the variant the
    /// policy chose. Returns the new post.
    ///
    /// # Errors
    /// As [`Experiment::choose_variant`] and [`Experiment::add_post`]
    /// ([`crate::Error::DuplicatePost`] for an id in use); nothing is added
    /// on error.
    ///
    /// # Example
    /// ```
    /// use postab::bandit::ThompsonBeta;
    /// use postab::{counts, Experiment, Metric, Outcome};
    ///
    /// let mut exp = Experiment::builder("x").variant("a", "A").variant("b", "B").control("a").build()?;
    /// let metric = Metric::click_through();
    /// let at = "2026-11-24T08:00:00Z".parse()?;
    /// let post = exp.publish_next(&ThompsonBeta::new(), &metric, "post-1", at, &mut postab::rand::rng())?;
    /// let (id, variant) = (post.id().to_string(), post.variant().to_string());
    /// exp.add_post_counts(&id, counts! { impressions: 900, clicks: 20 })?;
    /// assert_eq!(exp.counts(&variant)?.clicks(), 20);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn publish_next<P, R>(
        &mut self,
        policy: &P,
        metric: &Metric,
        post_id: impl Into<String>,
        at: DateTime<Utc>,
        rng: &mut R,
    ) -> Result<&Post>
    where
        P: Policy,
        R: Rng + ?Sized,
    {
        let variant = self.choose_variant(policy, metric, rng)?.id().to_string();
        let post = Post::new(post_id, variant)?.published_at(at);
        let id = post.id().to_string();
        self.add_post(post)?;
        self.post(&id).ok_or(crate::Error::UnknownPost { id })
    }

    /// Exposure by exposure (a randomised split the caller controls, e.g.
    /// which text a link-in-bio page shows): asks `policy` which variant
    /// gets the next exposure and records one event of `metric`'s
    /// denominator (an impression, say) for it at `at`. Returns the
    /// variant. Takes `&self`, so a shared experiment serves from several
    /// threads.
    ///
    /// # Errors
    /// As [`Experiment::choose_variant`] and [`Experiment::record`].
    ///
    /// # Example
    /// ```
    /// use postab::bandit::ThompsonBeta;
    /// use postab::rand::SeedableRng;
    /// use postab::{Experiment, Metric, Outcome};
    ///
    /// let exp = Experiment::builder("x").variant("a", "A").variant("b", "B").control("a").build()?;
    /// let mut rng = postab::rand::rngs::Xoshiro256PlusPlus::seed_from_u64(7);
    /// let at = "2026-11-24T08:00:00Z".parse()?;
    /// let shown = exp.serve_next(&ThompsonBeta::new(), &Metric::click_through(), at, &mut rng)?.id().to_string();
    /// exp.record(&shown, Outcome::Click, at)?; // the reader clicked
    /// assert_eq!(exp.counts(&shown)?.impressions(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn serve_next<P, R>(
        &self,
        policy: &P,
        metric: &Metric,
        at: DateTime<Utc>,
        rng: &mut R,
    ) -> Result<&Variant>
    where
        P: Policy,
        R: Rng + ?Sized,
    {
        let variant = self.choose_variant(policy, metric, rng)?;
        self.record(variant.id(), metric.denominator().clone(), at)?;
        Ok(variant)
    }
}
