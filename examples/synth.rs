//! A deterministic synthetic corpus for benchmarks: a data folder that
//! `dl4m build --data DIR` reads, with as many articles as asked.
//!
//! ```sh
//! cargo run --release --example synth -- --articles 10000 --out /tmp/synth10k
//! ```
//!
//! It writes `synth.bib` (BibTeX `@inproceedings`, `@article` and a few
//! `@misc` preprints, with Unicode and LaTeX-accented author names, DOIs,
//! 100–200-word abstracts and `@string` venues; `--bib-files K` splits it
//! into `synth-001.bib`…), `synth.csv` (the curation table keyed by BibTeX
//! key: 1–3 tasks, 1–2 architectures, 0–3 datasets, a framework, code links
//! for about 40%), `taxonomy.toml` and `index.md`. The same arguments always
//! give byte-identical files: the only source of variety is a fixed-seed
//! SplitMix64 generator (`--seed` changes it), and no floating point is used.
//!
//! Abstracts mix template sentences about the article's own tasks, datasets
//! and architectures (so that queries like `onset` or `beat tracking lstm`
//! find what a reader expects) with free text drawn with Zipf-like word
//! frequencies and a long tail of invented rare words, so that the corpus has
//! the vocabulary growth of real abstracts (about 42,000 distinct words in
//! 10,000 abstracts) and compresses about as well (gzip about 3.6:1 on the
//! abstracts, real English prose is nearer 3:1).

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: synth --articles N --out DIR [--seed N] [--bib-files K]";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("synth: {message}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), String> {
    let mut articles: Option<usize> = None;
    let mut out: Option<PathBuf> = None;
    let mut seed: u64 = 0x0d14_d14d_2026_0003;
    let mut bib_files: usize = 1;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--articles" | "-n" => {
                let v = value("--articles")?;
                articles = Some(v.parse().map_err(|_| format!("`{v}` is not a number"))?);
            }
            "--out" | "-o" => out = Some(PathBuf::from(value("--out")?)),
            "--seed" => {
                let v = value("--seed")?;
                seed = v.parse().map_err(|_| format!("`{v}` is not a number"))?;
            }
            "--bib-files" => {
                let v = value("--bib-files")?;
                bib_files = v.parse().map_err(|_| format!("`{v}` is not a number"))?;
            }
            "--help" | "-h" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let n = articles.ok_or("--articles is required")?;
    let out = out.ok_or("--out is required")?;
    if n == 0 {
        return Err("--articles must be at least 1".into());
    }
    if bib_files == 0 || bib_files > n {
        return Err("--bib-files must be between 1 and the number of articles".into());
    }
    let corpus = Corpus::generate(n, seed, bib_files);
    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    // Files of an earlier run with another --bib-files would be read too.
    let listing =
        std::fs::read_dir(&out).map_err(|e| format!("cannot read {}: {e}", out.display()))?;
    for entry in listing.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("synth") && name.ends_with(".bib") {
            std::fs::remove_file(entry.path()).map_err(|e| format!("cannot remove {name}: {e}"))?;
        }
    }
    let files = corpus.bibs.into_iter().chain([
        ("synth.csv".to_string(), corpus.csv),
        ("taxonomy.toml".to_string(), taxonomy_toml()),
        ("index.md".to_string(), index_md(n, seed)),
    ]);
    for (name, text) in files {
        let path = out.join(name);
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    eprintln!("synth: wrote {n} articles to {}", out.display());
    Ok(())
}

/// SplitMix64: tiny, fast, and the same on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next()) * n as u128) >> 64) as usize
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `percent`/100.
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// An index skewed towards the start (popular items first): the minimum
    /// of two uniform draws.
    fn skewed(&mut self, n: usize) -> usize {
        self.below(n).min(self.below(n))
    }

    /// `k` distinct indices below `n`, skewed towards popular ones, in draw order.
    fn distinct(&mut self, k: usize, n: usize) -> Vec<usize> {
        let mut chosen = Vec::with_capacity(k);
        while chosen.len() < k.min(n) {
            let i = self.skewed(n);
            if !chosen.contains(&i) {
                chosen.push(i);
            }
        }
        chosen
    }

    /// An index drawn by integer weights.
    fn weighted(&mut self, weights: &[usize]) -> usize {
        let mut r = self.below(weights.iter().sum());
        for (i, &w) in weights.iter().enumerate() {
            if r < w {
                return i;
            }
            r -= w;
        }
        weights.len() - 1
    }
}

/// A name part as shown and, when it has accents, as it is often typed in BibTeX.
#[derive(Clone, Copy)]
struct Part {
    text: &'static str,
    latex: Option<&'static str>,
}

const fn p(text: &'static str) -> Part {
    Part { text, latex: None }
}

const fn l(text: &'static str, latex: &'static str) -> Part {
    Part {
        text,
        latex: Some(latex),
    }
}

/// Well-known researchers, put first in the pool so they are frequent.
const PEOPLE: [(Part, Part); 24] = [
    (p("Jan"), l("Schlüter", r#"Schl{\"u}ter"#)),
    (p("Sebastian"), l("Böck", r#"B{\"o}ck"#)),
    (p("Meinard"), l("Müller", r#"M{\"u}ller"#)),
    (p("Jordi"), p("Pons")),
    (p("Keunwoo"), p("Choi")),
    (p("Sander"), p("Dieleman")),
    (p("Eric J."), p("Humphrey")),
    (p("Chao"), p("Zhang")),
    (l("Andrés", r"Andr{\'e}s"), l("García", r"Garc{\'\i}a")),
    (p("Thomas"), p("Lidy")),
    (l("Søren", r"S{\o}ren"), l("Østergaard", r"{\O}stergaard")),
    (p("Xavier"), p("Serra")),
    (p("Emilia"), l("Gómez", r"G{\'o}mez")),
    (l("György", r#"Gy{\"o}rgy"#), p("Fazekas")),
    (p("Gerhard"), p("Widmer")),
    (p("Florian"), p("Krebs")),
    (p("Filip"), p("Korzeniowski")),
    (p("Juan Pablo"), p("Bello")),
    (p("Brian"), p("McFee")),
    (p("Rachel M."), p("Bittner")),
    (
        l("Fabian-Robert", "Fabian-Robert"),
        l("Stöter", r#"St{\"o}ter"#),
    ),
    (p("Alexandre"), l("Défossez", r"D{\'e}fossez")),
    (p("Emmanouil"), p("Benetos")),
    (p("Yi-Hsuan"), p("Yang")),
];

const GIVEN: [Part; 48] = [
    p("Anna"),
    p("Ben"),
    p("Carlos"),
    p("Daniel"),
    p("Elena"),
    p("Felix"),
    p("Hannah"),
    p("Hiroshi"),
    p("Ian"),
    p("Jae-Won"),
    p("Jing"),
    p("Karin"),
    p("Lukas"),
    p("Maria"),
    p("Minh"),
    p("Nadia"),
    p("Oliver"),
    p("Priya"),
    p("Qiuqiang"),
    p("Rafael"),
    p("Sara"),
    p("Tomás"),
    p("Wei"),
    p("Xin"),
    p("Yuki"),
    p("Zoë"),
    l("José", r"Jos{\'e}"),
    l("Łukasz", r"{\L}ukasz"),
    l("Ángel", r"{\'A}ngel"),
    l("Iñigo", r"I{\~n}igo"),
    l("Åsa", r"{\AA}sa"),
    l("François", r"Fran{\c{c}}ois"),
    l("Jürgen", r#"J{\"u}rgen"#),
    l("Björn", r#"Bj{\"o}rn"#),
    l("Renée", r"Ren{\'e}e"),
    l("Çağrı", r"{\c{C}}a{\u{g}}r{\i}"),
    p("Ahmed"),
    p("Beatriz"),
    p("Chiara"),
    p("Dmitri"),
    p("Eun-Ji"),
    p("Fatima"),
    p("Gustavo"),
    p("Helga"),
    p("Ishaan"),
    p("Kenji"),
    p("Léa"),
    p("Mateo"),
];

const FAMILY: [Part; 72] = [
    p("Wang"),
    p("Li"),
    p("Chen"),
    p("Liu"),
    p("Kim"),
    p("Lee"),
    p("Park"),
    p("Nam"),
    p("Huang"),
    p("Wu"),
    p("Sato"),
    p("Tanaka"),
    p("Nakamura"),
    p("Ewert"),
    p("Grill"),
    p("Sigtia"),
    p("Durand"),
    p("Essid"),
    p("Richard"),
    p("Peeters"),
    p("Lostanlen"),
    p("Cella"),
    p("Salamon"),
    p("Liutkus"),
    p("Hennequin"),
    p("Jansson"),
    p("Raffel"),
    p("Engel"),
    p("Dannenberg"),
    p("Schedl"),
    p("Knees"),
    p("Kelz"),
    p("Dixon"),
    p("Sandler"),
    p("Rauber"),
    p("Weiß"),
    p("Rossi"),
    p("Bianchi"),
    p("Silva"),
    p("Santos"),
    p("Novak"),
    p("Kowalski"),
    p("Nielsen"),
    p("Johansson"),
    p("Virtanen"),
    p("Mesaros"),
    p("Heittola"),
    p("Smith"),
    p("Brown"),
    p("Taylor"),
    l("Fernández", r"Fern{\'a}ndez"),
    l("Martínez", r"Mart{\'\i}nez"),
    l("López", r"L{\'o}pez"),
    l("Pérez", r"P{\'e}rez"),
    l("Sánchez", r"S{\'a}nchez"),
    l("Gürsoy", r#"G{\"u}rsoy"#),
    l("Öztürk", r#"{\"O}zt{\"u}rk"#),
    l("Jørgensen", r"J{\o}rgensen"),
    l("Ångström", r#"{\AA}ngstr{\"o}m"#),
    l("Dvořák", r"Dvo{\v{r}}{\'a}k"),
    l("Šimić", r"{\v{S}}imi{\'c}"),
    l("Wójcik", r"W{\'o}jcik"),
    l("Kühn", r#"K{\"u}hn"#),
    l("Lefèvre", r"Lef{\`e}vre"),
    l("Nuñez", r"Nu{\~n}ez"),
    l("Gonçalves", r"Gon{\c{c}}alves"),
    l("Hüsken", r#"H{\"u}sken"#),
    l("Bäckström", r#"B{\"a}ckstr{\"o}m"#),
    p("Müller-Lauer"),
    p("van der Berg"),
    p("de Souza"),
    p("O'Brien"),
];

/// (name, aliases) for the tasks; the first ones are the most frequent.
const TASKS: [&str; 40] = [
    "Music auto-tagging",
    "Genre classification",
    "Onset detection",
    "Beat tracking",
    "Chord recognition",
    "Source separation",
    "Instrument recognition",
    "Music transcription",
    "Melody extraction",
    "Music emotion recognition",
    "Downbeat tracking",
    "Tempo estimation",
    "Key estimation",
    "Singing voice detection",
    "Drum transcription",
    "Piano transcription",
    "Multi-pitch estimation",
    "Music generation",
    "Symbolic music generation",
    "Music structure analysis",
    "Boundary detection",
    "Cover song identification",
    "Music recommendation",
    "Playlist generation",
    "Artist recognition",
    "Audio classification",
    "Audio event recognition",
    "Acoustic scene classification",
    "Audio tagging",
    "Audio synthesis",
    "Timbre transfer",
    "Lyrics alignment",
    "Lyrics transcription",
    "Audio-to-score alignment",
    "Optical music recognition",
    "Query by humming",
    "Music similarity",
    "Hit song prediction",
    "Phoneme classification",
    "Speech/music discrimination",
];

/// (short name, long name) of the architectures.
const ARCHITECTURES: [(&str, &str); 26] = [
    ("CNN", "Convolutional Neural Network"),
    ("LSTM", "Long Short-Term Memory Network"),
    ("CRNN", "Convolutional Recurrent Neural Network"),
    ("RNN", "Recurrent Neural Network"),
    ("Transformer", "Transformer"),
    ("DNN", "Deep Neural Network"),
    ("GRU", "Gated Recurrent Unit Network"),
    ("U-Net", "U-Net"),
    ("ResNet", "Residual Network"),
    ("BLSTM", "Bidirectional LSTM"),
    ("GAN", "Generative Adversarial Network"),
    ("VAE", "Variational Autoencoder"),
    ("Autoencoder", "Autoencoder"),
    ("TCN", "Temporal Convolutional Network"),
    ("DBN", "Deep Belief Network"),
    ("RBM", "Restricted Boltzmann Machine"),
    ("MLP", "Multilayer Perceptron"),
    ("FCN", "Fully Convolutional Network"),
    ("WaveNet", "WaveNet"),
    ("Siamese network", "Siamese Network"),
    ("Attention", "Attention Network"),
    ("Conformer", "Conformer"),
    ("Diffusion model", "Diffusion Model"),
    ("Capsule network", "Capsule Network"),
    ("Normalizing flow", "Normalizing Flow"),
    ("GNN", "Graph Neural Network"),
];

const DATASETS: [&str; 80] = [
    "MagnaTagATune",
    "GTZAN",
    "MSD",
    "MedleyDB",
    "MUSDB18",
    "MAPS",
    "MAESTRO",
    "Ballroom",
    "FMA",
    "AudioSet",
    "Isophonics",
    "RWC Popular",
    "MIR-1K",
    "iKala",
    "DSD100",
    "MusicNet",
    "GiantSteps Key",
    "GiantSteps Tempo",
    "McGill Billboard",
    "SALAMI",
    "Harmonix Set",
    "ESC-50",
    "UrbanSound8K",
    "NSynth",
    "IRMAS",
    "Jamendo",
    "MTG-Jamendo",
    "ORCHSET",
    "MIREX05",
    "ADC2004",
    "Bach10",
    "URMP",
    "Lakh MIDI",
    "Nottingham",
    "JSB Chorales",
    "Piano-midi.de",
    "MuseData",
    "ENST-Drums",
    "MDB Drums",
    "IDMT-SMT-Drums",
    "IDMT-SMT-Guitar",
    "GuitarSet",
    "DALI",
    "NUS-48E",
    "VocalSet",
    "Jingju a cappella singing",
    "Saraga",
    "DEAM",
    "PMEmo",
    "EmoMusic",
    "Extended Ballroom",
    "Hainsworth",
    "SMC MIREX",
    "HJDB",
    "RWC Classical",
    "RWC Jazz",
    "RWC Music Genre",
    "ISMIR 2004 Genre",
    "LMD",
    "Homburg",
    "1517-Artists",
    "DCASE 2016",
    "DCASE 2017",
    "TUT Acoustic Scenes",
    "Freesound",
    "Good-sounds",
    "Mridangam Stroke",
    "UIOWA MIS",
    "Philharmonia",
    "Medley-solos-DB",
    "OpenMIC-2018",
    "Groove MIDI",
    "E-GMD",
    "Slakh2100",
    "MoisesDB",
    "Cover80",
    "Da-TACOS",
    "SHS100K",
    "Weimar Jazz Database",
    "MTG-QBH",
];

const FRAMEWORKS: [&str; 9] = [
    "PyTorch",
    "TensorFlow",
    "Keras",
    "Theano",
    "Lasagne",
    "JAX",
    "Caffe",
    "MXNet",
    "Torch7",
];
const FRAMEWORK_WEIGHTS: [usize; 9] = [40, 22, 14, 6, 5, 5, 4, 2, 2];

/// (entry type, field, name as written, @string macro if any, DOI prefix).
struct Venue {
    kind: &'static str,
    field: &'static str,
    name: &'static str,
    macro_name: Option<&'static str>,
    doi: &'static str,
}

const fn venue(
    kind: &'static str,
    name: &'static str,
    macro_name: Option<&'static str>,
    doi: &'static str,
) -> Venue {
    let field = if matches!(kind.as_bytes(), b"article") {
        "journal"
    } else {
        "booktitle"
    };
    Venue {
        kind,
        field,
        name,
        macro_name,
        doi,
    }
}

const VENUES: [Venue; 20] = [
    venue(
        "inproceedings",
        "Proceedings of the International Society for Music Information Retrieval Conference (ISMIR)",
        Some("ismir"),
        "10.5281/zenodo",
    ),
    venue(
        "inproceedings",
        "Proceedings of the IEEE International Conference on Acoustics, Speech and Signal Processing (ICASSP)",
        Some("icassp"),
        "10.1109/ICASSP",
    ),
    venue(
        "article",
        "IEEE/ACM Transactions on Audio, Speech, and Language Processing (TASLP)",
        Some("taslp"),
        "10.1109/TASLP",
    ),
    venue(
        "article",
        "Transactions of the International Society for Music Information Retrieval (TISMIR)",
        None,
        "10.5334/tismir",
    ),
    venue(
        "inproceedings",
        "Proceedings of the European Signal Processing Conference (EUSIPCO)",
        None,
        "10.23919/EUSIPCO",
    ),
    venue(
        "inproceedings",
        "Proceedings of the International Conference on Digital Audio Effects (DAFx)",
        None,
        "",
    ),
    venue(
        "inproceedings",
        "Proceedings of the Sound and Music Computing Conference (SMC)",
        None,
        "10.5281/zenodo",
    ),
    venue(
        "inproceedings",
        "Proceedings of the IEEE Workshop on Applications of Signal Processing to Audio and Acoustics (WASPAA)",
        None,
        "10.1109/WASPAA",
    ),
    venue(
        "inproceedings",
        "Proceedings of Interspeech",
        None,
        "10.21437/Interspeech",
    ),
    venue(
        "inproceedings",
        "Advances in Neural Information Processing Systems (NeurIPS)",
        None,
        "",
    ),
    venue(
        "inproceedings",
        "Proceedings of the International Conference on Machine Learning (ICML)",
        None,
        "",
    ),
    venue(
        "inproceedings",
        "International Conference on Learning Representations (ICLR)",
        None,
        "",
    ),
    venue(
        "inproceedings",
        "Proceedings of the ACM International Conference on Multimedia",
        None,
        "10.1145/mm",
    ),
    venue(
        "inproceedings",
        "Proceedings of the International Computer Music Conference (ICMC)",
        None,
        "",
    ),
    venue(
        "article",
        "Journal of New Music Research",
        None,
        "10.1080/09298215",
    ),
    venue(
        "article",
        "EURASIP Journal on Audio, Speech, and Music Processing",
        None,
        "10.1186/s13636",
    ),
    venue(
        "article",
        "IEEE Signal Processing Letters",
        None,
        "10.1109/LSP",
    ),
    venue("article", "Computer Music Journal", None, "10.1162/comj"),
    venue("article", "Applied Sciences", None, "10.3390/app"),
    venue("misc", "arXiv preprint", None, ""),
];
const VENUE_WEIGHTS: [usize; 20] = [22, 18, 8, 4, 5, 3, 3, 4, 3, 3, 2, 2, 2, 2, 3, 3, 3, 1, 2, 7];

const ADJECTIVES: [&str; 24] = [
    "Improved",
    "Robust",
    "Efficient",
    "Lightweight",
    "Scalable",
    "Interpretable",
    "Self-Supervised",
    "Semi-Supervised",
    "Weakly Supervised",
    "Unsupervised",
    "Multi-Task",
    "Real-Time",
    "Low-Latency",
    "Data-Driven",
    "Hierarchical",
    "Multi-Scale",
    "Cross-Modal",
    "Few-Shot",
    "Contrastive",
    "Causal",
    "End-to-End",
    "Deep",
    "Joint",
    "Adaptive",
];

const FEATURES: [&str; 14] = [
    "mel spectrograms",
    "constant-Q transforms",
    "raw waveforms",
    "chroma features",
    "MFCCs",
    "harmonic CQTs",
    "log-magnitude spectrograms",
    "piano rolls",
    "MIDI events",
    "onset envelopes",
    "beat-synchronous features",
    "scattering transforms",
    "learned front ends",
    "symbolic scores",
];

const DOMAINS: [&str; 14] = [
    "Western Popular Music",
    "Classical Music",
    "Jazz Recordings",
    "Electronic Dance Music",
    "Carnatic Music",
    "Beijing Opera",
    "Flamenco",
    "Solo Piano",
    "Polyphonic Audio",
    "Live Performances",
    "Field Recordings",
    "Mobile Devices",
    "Large Music Catalogues",
    "Low-Resource Settings",
];

const NOUNS: [&str; 10] = [
    "Robustness",
    "Generalisation",
    "Invariance",
    "Interpretability",
    "Calibration",
    "Sample Efficiency",
    "Design Choices",
    "Receptive Field",
    "Input Representation",
    "Evaluation",
];

const METRICS: [&str; 9] = [
    "F-measure",
    "accuracy",
    "ROC-AUC",
    "mean average precision",
    "signal-to-distortion ratio",
    "weighted chord symbol recall",
    "note-level F1",
    "CEMB accuracy",
    "mean reciprocal rank",
];

const CONCEPTS: [&str; 10] = [
    "harmonic structure",
    "rhythmic patterns",
    "timbral characteristics",
    "pitch contours",
    "percussive transients",
    "long-term repetitions",
    "tonal context",
    "vocal formants",
    "instrument-specific envelopes",
    "metrical hierarchy",
];

const APPLICATIONS: [&str; 10] = [
    "music recommendation",
    "automatic DJ mixing",
    "music education",
    "musicological analysis",
    "large-scale catalogue organisation",
    "interactive performance systems",
    "audio editing",
    "content-based retrieval",
    "score following",
    "music production",
];

const LEARNING: [&str; 6] = [
    "self-supervised pre-training",
    "transfer learning from a large tagging model",
    "semi-supervised learning with pseudo-labels",
    "curriculum learning",
    "knowledge distillation",
    "contrastive learning",
];

const NOTES: [&str; 10] = [
    "Trained on clip-level tags, predicts frame-level tags",
    "Code released after publication",
    "Pre-trained models available",
    "Uses data augmentation (pitch shifting, time stretching)",
    "Evaluated in MIREX",
    "Extended version of a conference paper",
    "Results on a private dataset only",
    "Compares several input representations",
    "Demo page with audio examples",
    "Reimplemented by a third party",
];

/// Words for the free sentences of abstracts, most frequent first.
const CONTENT_WORDS: &str = "model models network networks audio music musical signal signals learning training data dataset
performance results method methods approach features feature representation representations task tasks time
frequency temporal spectral neural deep convolutional recurrent layer layers input output information retrieval
analysis system systems proposed evaluation accuracy experiments state art recordings pieces songs tracks
instruments notes pitch rhythm harmony melody timbre tempo beats chords key genre mood tags labels annotations
supervision loss function objective optimisation gradient parameters architecture attention context sequence
sequences frames frame window windows resolution scale level levels structure segments boundaries events onsets
sources mixture mixtures vocals accompaniment drums bass piano guitar violin voice singing lyrics score scores
symbolic midi transcription generation synthesis style transfer embedding embeddings space latent variational
adversarial generator discriminator encoder decoder classifier classification regression detection estimation
tracking recognition separation alignment similarity distance metric metrics baseline baselines improvement
improvements robustness generalisation domain domains adaptation augmentation noise reverberation conditions
listening test tests participants human perceptual subjective quality efficiency complexity computation
inference latency memory hardware gpu cpu real online offline streaming causal bidirectional hierarchical
multi cross modal joint shared weights kernel filters filterbank spectrogram spectrograms waveform waveforms
phase magnitude harmonic percussive polyphonic monophonic western cultural corpus collection catalogue large
small limited scarce unlabelled labelled weak strong noisy clean synthetic natural recorded live studio
professional amateur users listeners playlists recommendation query queries search ranking precision recall
correct errors error rate ratio percentage points relative absolute significant statistically compared
comparison outperforms achieves improves reduces increases shows demonstrate suggest indicate investigate
propose present introduce describe evaluate train trained learned learns capture captures predict predicts
predicted estimate estimated observe observed find found first second novel new simple effective efficient
robust accurate fast scalable general specific different several various multiple single many few previous
recent existing current future open public available released code implementation framework toolkit library
pipeline stage stages module modules block blocks component components mechanism strategy scheme technique
techniques procedure algorithm algorithms heuristic rules knowledge prior priors constraints regularisation
dropout normalisation batch epochs iterations convergence stability variance bias distribution distributions
probability likelihood posterior bayesian markov hidden states transitions graph nodes edges tree trees forest
support vector machines nearest neighbour clustering unsupervised supervised semi self contrastive pretext
pretraining finetuning transferred downstream upstream zero shot prompt text language semantic descriptions
captions tokens vocabulary codebook quantisation compression codec bitrate sampling sample khz mono stereo
channels spatial binaural room acoustic acoustics environment scene scenes urban speech speaker speakers
conversational broadcast radio film video visual images image vision dance movement gesture performer
performers expressive expression dynamics articulation timing microtiming groove swing meter metrical
downbeats bars measures sections chorus verse repetition repetitions novelty matrix matrices factorisation
nonnegative decomposition dictionary sparse coding templates activations";

/// Function words, most frequent first.
const FUNCTION_WORDS: &str = "the of and a to in for is we that with on by this as are from an be which our it can these at or not
their its both than such also has have been between into when while each more most only over under using
based without through";

/// Endings of the rare technical words that make the vocabulary grow with
/// the corpus, as it does in real abstracts (Heaps' law).
const SUFFIXES: [&str; 12] = [
    "ation", "ic", "al", "ity", "ment", "ive", "ous", "er", "ing", "ed", "ism", "ogy",
];

const STOP_WORDS: [&str; 12] = [
    "a", "an", "the", "on", "of", "for", "with", "towards", "to", "in", "and", "using",
];

/// One person of the author pool.
#[derive(Clone, Copy)]
struct Person {
    given: Part,
    /// A middle initial (`b'A'`…), or 0.
    initial: u8,
    family: Part,
}

/// The generated files.
struct Corpus {
    /// (file name, contents) of the BibTeX files.
    bibs: Vec<(String, String)>,
    csv: String,
}

/// What an article is about, chosen before its text is written.
struct Topic {
    tasks: Vec<&'static str>,
    architectures: Vec<(&'static str, &'static str)>,
    datasets: Vec<&'static str>,
}

impl Corpus {
    /// `n` articles, their BibTeX entries split in order over `files` files.
    fn generate(n: usize, seed: u64, files: usize) -> Corpus {
        let mut rng = Rng(seed);
        let people = people(n, &mut rng);
        let mut head = String::new();
        let _ = writeln!(
            head,
            "% Synthetic corpus written by `cargo run --example synth -- --articles {n} --seed {seed}`.\n\
             % Every article is invented; curation data is in synth.csv, keyed by the keys below.\n"
        );
        for v in VENUES.iter() {
            if let Some(m) = v.macro_name {
                let _ = writeln!(head, "@string{{{m} = \"{}\"}}", v.name);
            }
        }
        head.push('\n');
        let mut bibs: Vec<(String, String)> = (0..files)
            .map(|i| {
                let name = if files == 1 {
                    "synth.bib".to_string()
                } else {
                    format!("synth-{:03}.bib", i + 1)
                };
                let mut text = String::with_capacity(n / files * 1500 + head.len());
                text.push_str(&head);
                (name, text)
            })
            .collect();
        let mut csv = String::with_capacity(n * 120);
        csv.push_str(
            "Key,Title,Link,Code,Reproducible,Architecture,Layers,Task,Dataset,Framework,Note\n",
        );
        let mut keys = BTreeSet::new();
        for i in 0..n {
            let bib = &mut bibs[i * files / n].1;
            article(&mut rng, &people, &mut keys, bib, &mut csv);
        }
        Corpus { bibs, csv }
    }
}

/// The author pool: the well-known names first, then combinations.
///
/// About one person per three articles; names are a given name, a middle
/// initial half of the time, and a family name: 48 × 27 × 72 ≈ 93,000 names.
fn people(n: usize, rng: &mut Rng) -> Vec<Person> {
    const NAMES: usize = GIVEN.len() * 27 * FAMILY.len();
    let size = (n / 3).max(60);
    let mut pool: Vec<Person> = PEOPLE
        .iter()
        .map(|&(given, family)| Person {
            given,
            initial: 0,
            family,
        })
        .collect();
    let mut seen: BTreeSet<(usize, u8, usize)> = BTreeSet::new();
    while pool.len() < size {
        let g = rng.below(GIVEN.len());
        let initial = if rng.chance(50) {
            0
        } else {
            b'A' + rng.below(26) as u8
        };
        let f = rng.below(FAMILY.len());
        // Past every name, repeat names: homonyms exist in real lists too.
        if seen.insert((g, initial, f)) || seen.len() == NAMES {
            pool.push(Person {
                given: GIVEN[g],
                initial,
                family: FAMILY[f],
            });
        }
    }
    pool
}

fn article(
    rng: &mut Rng,
    people: &[Person],
    keys: &mut BTreeSet<String>,
    bib: &mut String,
    csv: &mut String,
) {
    // Years lean recent: the maximum of three uniform draws over 1990–2026.
    let year = 1990 + (0..3).map(|_| rng.below(37)).max().unwrap_or(0);
    let task_count = rng.weighted(&[60, 30, 10]) + 1;
    let architecture_count = rng.weighted(&[70, 30]) + 1;
    let dataset_count = rng.weighted(&[20, 40, 28, 12]);
    let topic = Topic {
        tasks: pick_distinct(rng, task_count, &TASKS),
        architectures: pick_distinct(rng, architecture_count, &ARCHITECTURES),
        datasets: pick_distinct(rng, dataset_count, &DATASETS),
    };
    let count = rng.weighted(&[10, 25, 25, 18, 10, 6, 4, 2]) + 1;
    let mut authors: Vec<Person> = Vec::with_capacity(count);
    let mut chosen: Vec<usize> = Vec::with_capacity(count);
    while chosen.len() < count {
        // Popular authors appear often: a cubic skew over the pool.
        let i = rng.skewed(people.len()).min(rng.below(people.len()));
        if !chosen.contains(&i) {
            chosen.push(i);
            authors.push(people[i]);
        }
    }
    let title = title(rng, &topic);
    let venue = &VENUES[rng.weighted(&VENUE_WEIGHTS)];
    let key = unique_key(keys, &authors[0], year, &title);
    let abstract_text = abstract_text(rng, &topic, year);

    let _ = writeln!(bib, "@{}{{{key},", venue.kind);
    let names: Vec<String> = authors.iter().map(|a| bib_name(rng, a)).collect();
    let _ = writeln!(bib, "  author = {{{}}},", names.join(" and "));
    let _ = writeln!(bib, "  title = {{{}}},", bib_title(&title));
    match (venue.kind, venue.macro_name) {
        ("misc", _) => {
            let id = arxiv_id(rng, year);
            let _ = writeln!(bib, "  howpublished = {{arXiv preprint arXiv:{id}}},");
            let _ = writeln!(bib, "  eprint = {{{id}}},\n  archiveprefix = {{arXiv}},");
        }
        (_, Some(m)) => {
            let _ = writeln!(bib, "  {} = {m},", venue.field);
        }
        (_, None) => {
            let _ = writeln!(bib, "  {} = {{{}}},", venue.field, venue.name);
        }
    }
    let _ = writeln!(bib, "  year = {{{year}}},");
    if venue.kind == "article" {
        let _ = writeln!(
            bib,
            "  volume = {{{}}},\n  number = {{{}}},",
            rng.range(1, 34),
            rng.range(1, 12)
        );
    }
    if venue.kind != "misc" {
        let first = rng.range(1, 3000);
        let _ = writeln!(bib, "  pages = {{{first}--{}}},", first + rng.range(4, 14));
    }
    if !venue.doi.is_empty() && rng.chance(80) {
        let _ = writeln!(
            bib,
            "  doi = {{{}.{year}.{}}},",
            venue.doi,
            rng.range(1_000_000, 9_999_999)
        );
    }
    if venue.kind == "misc" {
        let _ = writeln!(
            bib,
            "  url = {{https://arxiv.org/abs/{}}},",
            arxiv_id(rng, year)
        );
    } else if rng.chance(70) {
        let host = rng.pick(&[
            "https://arxiv.org/pdf/",
            "https://archives.ismir.net/ismir",
            "https://www.researchgate.net/publication/",
        ]);
        let _ = writeln!(
            bib,
            "  url = {{{host}{}.pdf}},",
            rng.range(100_000, 999_999)
        );
    }
    let _ = writeln!(bib, "  abstract = {{{abstract_text}}}\n}}\n");

    // The curation row.
    let code = if rng.chance(40) {
        let owner = ascii_lower(authors[0].family.text);
        let repo = title_word(&title).unwrap_or_else(|| "model".into());
        let mut links = vec![format!("https://github.com/{owner}/{repo}-{year}")];
        if rng.chance(10) {
            links.push(format!("https://github.com/{owner}-lab/{repo}"));
        }
        links.join(" & ")
    } else {
        String::new()
    };
    let reproducible = if !code.is_empty() && rng.chance(25) {
        rng.pick(&["Yes", "Partial", "Models and split sets only"])
    } else {
        ""
    };
    let layers = if rng.chance(30) {
        rng.range(2, 152).to_string()
    } else {
        String::new()
    };
    let framework = if rng.chance(85) {
        FRAMEWORKS[rng.weighted(&FRAMEWORK_WEIGHTS)]
    } else {
        ""
    };
    let note = if rng.chance(10) { rng.pick(&NOTES) } else { "" };
    let architectures: Vec<&str> = topic.architectures.iter().map(|a| a.0).collect();
    let row = [
        key.as_str(),
        "",
        "",
        code.as_str(),
        reproducible,
        &architectures.join(" & "),
        layers.as_str(),
        &topic.tasks.join(" & "),
        &topic.datasets.join(" & "),
        framework,
        note,
    ];
    let cells: Vec<String> = row.iter().map(|c| csv_cell(c)).collect();
    csv.push_str(&cells.join(","));
    csv.push('\n');
}

/// `k` distinct items, popular ones (early in the list) more often.
fn pick_distinct<T: Copy>(rng: &mut Rng, k: usize, items: &[T]) -> Vec<T> {
    rng.distinct(k, items.len())
        .into_iter()
        .map(|i| items[i])
        .collect()
}

fn title(rng: &mut Rng, topic: &Topic) -> String {
    let task = topic.tasks[0];
    let (short, long) = topic.architectures[0];
    let plural = |s: &str| {
        if s.ends_with('s') || s.ends_with("Attention") {
            s.to_string()
        } else {
            format!("{s}s")
        }
    };
    let arch = if rng.chance(50) {
        short.to_string()
    } else {
        plural(long)
    };
    let adj = rng.pick(&ADJECTIVES);
    match rng.below(11) {
        0 => format!("{adj} {} with {arch}", title_case(task)),
        1 => format!(
            "{short}-Based {} Using {}",
            title_case(task),
            title_case(rng.pick(&FEATURES))
        ),
        2 => format!("Towards {adj} {}", title_case(task)),
        3 => format!(
            "{} in {}: {} {adj} Approach",
            title_case(task),
            rng.pick(&DOMAINS),
            a_or_an(adj)
        ),
        4 => format!(
            "On the {} of {} for {}",
            rng.pick(&NOUNS),
            plural(long),
            title_case(task)
        ),
        5 => format!(
            "Learning {} for {}",
            title_case(rng.pick(&FEATURES)),
            title_case(task)
        ),
        6 => match topic.tasks.get(1) {
            Some(second) => format!(
                "Joint {} and {} with {arch}",
                title_case(task),
                title_case(second)
            ),
            None => format!("{adj} {} for {}", title_case(task), rng.pick(&DOMAINS)),
        },
        7 => {
            let name = catchy(task, short);
            format!("{name}: {adj} {} with {arch}", title_case(task))
        }
        8 => match topic.datasets.first() {
            Some(d) => format!("{adj} {} on {d} and Beyond", title_case(task)),
            None => format!(
                "{adj} {} from {}",
                title_case(task),
                title_case(rng.pick(&FEATURES))
            ),
        },
        9 => format!(
            "{} for {} & {}: {adj} {arch}",
            title_case(rng.pick(&FEATURES)),
            title_case(task),
            rng.pick(&DOMAINS)
        ),
        _ => format!(
            "{} {adj} {} Model for {} in {}",
            a_or_an(adj),
            short,
            title_case(task),
            rng.pick(&DOMAINS)
        ),
    }
}

/// The indefinite article for `word`.
fn a_or_an(word: &str) -> &'static str {
    if word.starts_with(['A', 'E', 'I', 'O', 'U']) {
        "An"
    } else {
        "A"
    }
}

/// A model name like `OnsetNet` or `ChordFormer`.
fn catchy(task: &str, arch: &str) -> String {
    let word: String = task
        .split([' ', '-', '/'])
        .find(|w| !matches!(*w, "Music" | "Audio" | "Multi"))
        .unwrap_or("Music")
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    let mut chars = word.chars();
    let head: String = chars
        .next()
        .map(|c| c.to_ascii_uppercase())
        .into_iter()
        .chain(chars)
        .collect();
    let tail = match arch {
        "Transformer" | "Conformer" => "Former",
        "GAN" => "GAN",
        "VAE" | "Autoencoder" => "VAE",
        "Diffusion model" => "Diff",
        _ => "Net",
    };
    format!("{head}{tail}")
}

/// Capitalises each word of a task name for a title (`Music auto-tagging` → `Music Auto-Tagging`).
fn title_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for c in s.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        start = matches!(c, ' ' | '-' | '/');
    }
    out
}

/// The title as BibTeX: acronyms braced, `&` escaped.
fn bib_title(title: &str) -> String {
    title
        .split(' ')
        .map(|w| {
            let letters = w.trim_end_matches([':', ',']);
            let caps = letters.chars().filter(char::is_ascii_uppercase).count();
            if w == "&" {
                r"\&".to_string()
            } else if caps >= 2 && !letters.contains('-') {
                format!("{{{letters}}}{}", &w[letters.len()..])
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn bib_name(rng: &mut Rng, person: &Person) -> String {
    // Accented names are typed with LaTeX accents in 60% of entries.
    let latex = rng.chance(60);
    let form = |part: Part| match part.latex {
        Some(tex) if latex => tex,
        _ => part.text,
    };
    let family = form(person.family);
    let family =
        if family.contains(' ') && !family.starts_with("van ") && !family.starts_with("de ") {
            format!("{{{family}}}")
        } else {
            family.to_string()
        };
    let given = match person.initial {
        0 => form(person.given).to_string(),
        c => format!("{} {}.", form(person.given), char::from(c)),
    };
    if rng.chance(85) {
        format!("{family}, {given}")
    } else {
        format!("{given} {family}")
    }
}

fn arxiv_id(rng: &mut Rng, year: usize) -> String {
    let yy = year.clamp(2007, 2026) % 100;
    format!("{yy:02}{:02}.{:05}", rng.range(1, 12), rng.range(1, 99_999))
}

/// `firstauthorfamily` + year + first significant title word, made unique.
fn unique_key(keys: &mut BTreeSet<String>, first: &Person, year: usize, title: &str) -> String {
    let word = title_word(title).unwrap_or_default();
    let base = format!("{}{year}{word}", ascii_lower(first.family.text));
    let mut key = base.clone();
    let mut suffix = 0;
    while keys.contains(&key) {
        suffix += 1;
        key = if suffix < 26 {
            format!("{base}{}", char::from(b'a' + suffix as u8))
        } else {
            format!("{base}{suffix}")
        };
    }
    keys.insert(key.clone());
    key
}

/// The first word of a title that is not a stop word, as lowercase ASCII.
fn title_word(title: &str) -> Option<String> {
    title
        .split([' ', ':', '-', '/'])
        .map(ascii_lower)
        .find(|w| w.len() > 1 && !STOP_WORDS.contains(&w.as_str()))
}

/// Lowercase ASCII letters and digits only (`Schlüter` → `schluter`).
fn ascii_lower(s: &str) -> String {
    deunicode::deunicode(s)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// 100–200 words about the article's topic.
fn abstract_text(rng: &mut Rng, topic: &Topic, year: usize) -> String {
    let target = rng.range(100, 185);
    let mut sentences: Vec<String> = Vec::new();
    let mut words = 0;
    let mut opening = true;
    while words < target {
        let s = sentence(rng, topic, year, opening);
        opening = false;
        let w = s.split_whitespace().count();
        if words + w > 200 {
            if words >= 100 {
                break;
            }
            continue;
        }
        words += w;
        sentences.push(s);
    }
    sentences.join(" ")
}

/// Word lists split once.
struct Vocabulary {
    content: Vec<&'static str>,
    function: Vec<&'static str>,
}

impl Vocabulary {
    fn get() -> &'static Vocabulary {
        static V: std::sync::OnceLock<Vocabulary> = std::sync::OnceLock::new();
        V.get_or_init(|| Vocabulary {
            content: CONTENT_WORDS.split_whitespace().collect(),
            function: FUNCTION_WORDS.split_whitespace().collect(),
        })
    }
}

/// A rank drawn from a Zipf-like law over `1..2^bits` (P(k) ≈ 1/k), integers only.
fn zipf(rng: &mut Rng, bits: u32) -> usize {
    let b = rng.below(bits as usize) as u32;
    (1usize << b) + rng.below(1usize << b)
}

/// The rare word of rank `k`: letters and a suffix chosen by hashing `k`.
fn rare_word(k: usize) -> String {
    const ONSETS: [&str; 24] = [
        "b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z", "tr",
        "pr", "st", "ch", "sp", "gr", "ph",
    ];
    const VOWELS: [&str; 8] = ["a", "e", "i", "o", "u", "y", "io", "ea"];
    let mut h = Rng(k as u64 ^ 0x5eed_0fa1_1ce0);
    let mut word = String::new();
    for _ in 0..h.range(2, 3) {
        word.push_str(h.pick(&ONSETS));
        word.push_str(h.pick(&VOWELS));
    }
    if h.chance(60) {
        word.push_str(h.pick(&SUFFIXES));
    }
    word
}

/// A sentence of free text: function and content words with Zipf-like
/// frequencies, and a long tail of rare words, so that the text has the
/// vocabulary growth and the compressibility of real abstracts (about 3:1 with gzip).
fn free_sentence(rng: &mut Rng) -> String {
    let v = Vocabulary::get();
    let n = rng.range(10, 24);
    let mut words: Vec<String> = Vec::with_capacity(n);
    for i in 0..n {
        let word = if rng.chance(42) {
            v.function[(zipf(rng, 6) - 1) % v.function.len()].to_string()
        } else if rng.chance(65) {
            // Ranks 16.. of a Zipf law: no single content word dominates.
            v.content[(zipf(rng, 9) + rng.below(16)) % v.content.len()].to_string()
        } else if rng.chance(10) {
            format!("{}.{}", rng.below(100), rng.below(100))
        } else {
            rare_word(zipf(rng, 17))
        };
        words.push(if i > 2 && i + 2 < n && rng.chance(6) {
            format!("{word},")
        } else {
            word
        });
    }
    let mut text = capitalise(&words.join(" "));
    text = text.trim_end_matches(',').to_string();
    text.push('.');
    text
}

fn sentence(rng: &mut Rng, topic: &Topic, year: usize, opening: bool) -> String {
    let task = rng.pick(&topic.tasks).to_lowercase();
    let (short, long) = rng.pick(&topic.architectures);
    let arch = if rng.chance(50) {
        short.to_string()
    } else {
        long.to_lowercase()
    };
    let dataset = topic
        .datasets
        .first()
        .copied()
        .unwrap_or("a new in-house dataset");
    let other_dataset = topic
        .datasets
        .get(1)
        .copied()
        .unwrap_or_else(|| rng.pick(&DATASETS));
    let feature = rng.pick(&FEATURES);
    if opening {
        return match rng.below(3) {
            0 => {
                let uses = rng.distinct(2, APPLICATIONS.len());
                format!(
                    "{} is a fundamental problem in music information retrieval, with applications in {} and {}.",
                    capitalise(&task),
                    APPLICATIONS[uses[0]],
                    APPLICATIONS[uses[1]]
                )
            }
            1 => format!(
                "This paper addresses {task}, the task of analysing music audio to support {}.",
                rng.pick(&APPLICATIONS)
            ),
            _ => format!(
                "Recent progress in deep learning has changed how we approach {task}, yet {} remains difficult.",
                rng.pick(&[
                    "generalisation to unseen recordings",
                    "evaluation across datasets",
                    "real-time operation",
                    "learning from few annotations"
                ])
            ),
        };
    }
    if rng.chance(75) {
        return free_sentence(rng);
    }
    match rng.below(16) {
        0 => format!(
            "In this paper, we propose a {} {arch} for {task} that operates directly on {feature}.",
            rng.pick(&ADJECTIVES).to_lowercase()
        ),
        1 => format!(
            "We train the model on {dataset} and evaluate it on {other_dataset}, where it outperforms {} by a large margin.",
            rng.pick(&["the previous state of the art", "strong baselines", "hand-crafted feature pipelines", "a comparable model trained from scratch"])
        ),
        2 => format!(
            "Unlike previous approaches based on {feature} and hand-crafted rules, our method learns {} end to end.",
            rng.pick(&CONCEPTS)
        ),
        3 => format!(
            "Experiments show an improvement of {}.{} percentage points in {} over the state of the art.",
            rng.range(1, 12),
            rng.below(10),
            rng.pick(&METRICS)
        ),
        4 => format!(
            "We further analyse the learned filters and show that they capture {} and {}.",
            rng.pick(&CONCEPTS),
            rng.pick(&CONCEPTS)
        ),
        5 => {
            let (other, _) = rng.pick(&ARCHITECTURES);
            format!(
                "The network combines {short} layers with {other} layers to model both local and long-term temporal context."
            )
        }
        6 => "Our results suggest that such models generalise well across genres, recording conditions and instruments.".to_string(),
        7 => "We release the code and the trained models to foster reproducible research.".to_string(),
        8 => format!(
            "A listening test with {} participants confirms that the {} are perceived as more {}.",
            rng.range(8, 60),
            rng.pick(&["results", "outputs", "separations", "generated pieces"]),
            rng.pick(&["natural", "musical", "accurate", "coherent"])
        ),
        9 => "We also investigate the effect of data augmentation such as pitch shifting, time stretching and random mixing of stems.".to_string(),
        10 => format!(
            "The proposed system ranked {} in the MIREX {} {task} task.",
            rng.pick(&["first", "second", "among the best"]),
            year.max(2005)
        ),
        11 => format!(
            "Finally, we discuss the limitations of the approach and directions for future work on {task}."
        ),
        12 => format!(
            "Training takes {} hours on a single GPU, and inference runs faster than real time on a laptop CPU.",
            rng.range(2, 96)
        ),
        13 => format!(
            "We compare {} input representations, including {feature}, {} and {}.",
            rng.range(3, 7),
            rng.pick(&FEATURES),
            rng.pick(&FEATURES)
        ),
        14 => format!(
            "To address the scarcity of annotated data, we adopt {} and leverage {} hours of unlabelled audio.",
            rng.pick(&LEARNING),
            rng.range(10, 5000)
        ),
        _ => format!(
            "On {dataset}, the {arch} reaches 0.{} in {}, while using {} times fewer parameters than {}.",
            rng.range(40, 99),
            rng.pick(&METRICS),
            rng.range(2, 30),
            rng.pick(&["a ResNet baseline", "previous work", "a Transformer of the same depth"])
        ),
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A CSV cell, quoted when it holds a comma, a quote or a newline.
fn csv_cell(value: &str) -> String {
    if value.contains([',', '"', '\n']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}

fn taxonomy_toml() -> String {
    let mut out = String::from(
        "# Canonical facet names of the synthetic corpus, with a few aliases and descriptions.\n",
    );
    for (i, task) in TASKS.iter().enumerate() {
        let _ = writeln!(out, "\n[tasks.\"{task}\"]");
        let aliases: Vec<String> = if i % 3 == 0 {
            vec![format!("\"{}\"", task.to_lowercase())]
        } else {
            Vec::new()
        };
        let _ = writeln!(out, "aliases = [{}]", aliases.join(", "));
        let _ = writeln!(
            out,
            "description = \"Synthetic articles about {} in music signals.\"",
            task.to_lowercase()
        );
    }
    for (short, long) in ARCHITECTURES {
        let _ = writeln!(out, "\n[architectures.\"{short}\"]");
        if short != long {
            let _ = writeln!(out, "aliases = [\"{long}\"]");
        }
        let _ = writeln!(out, "description = \"{long}.\"");
    }
    for dataset in DATASETS.iter().take(20) {
        let _ = writeln!(out, "\n[datasets.\"{dataset}\"]");
        let _ = writeln!(out, "description = \"The {dataset} dataset.\"");
    }
    for framework in FRAMEWORKS {
        let _ = writeln!(out, "\n[frameworks.\"{framework}\"]");
    }
    out
}

fn index_md(n: usize, seed: u64) -> String {
    format!(
        "# Synthetic list ({n} articles)\n\n\
         Every article on this site is invented by `examples/synth.rs` (seed {seed}) to measure\n\
         how the generator and the search scale. Titles, authors, venues and abstracts are drawn\n\
         from a music and machine-learning vocabulary; nothing here is a real publication.\n\n\
         Browse the articles [by task](tasks/), [by architecture](architectures/),\n\
         [by dataset](datasets/) or [by author](authors/).\n"
    )
}
