"""The words a newcomer meets, each explained in a sentence or two: shown as hover help where they appear."""

from __future__ import annotations

# term -> what it means, for someone who has never trained a network (Markdown, no links)
GLOSSARY: dict[str, str] = {
    "neuron": "A unit that adds up its inputs, each times a weight, plus a bias, and passes the sum through "
              "an activation function.",
    "weight": "How strongly one input counts for a neuron. Training changes the weights; a blue link is "
              "positive, an orange one negative.",
    "bias": "A number a neuron adds to its weighted sum: it moves where the neuron switches on.",
    "activation": "The function a neuron applies to its sum (ReLU, tanh, sigmoid, linear). Without a "
                  "non-linear one, any number of layers can only draw straight boundaries.",
    "hidden layer": "A layer between the inputs and the output. Each one can bend the space the next one sees.",
    "loss": "One number that says how wrong the network is on a set of examples (lower is better). Training "
            "moves the weights to make the training loss smaller.",
    "training loss": "The loss on the examples the network learns from.",
    "test loss": "The loss on examples the network never learns from: how well it does on new data.",
    "epoch": "One pass of training over every training example.",
    "learning rate": "How big a step each weight takes against its gradient. Too small: slow. Too big: the "
                     "loss jumps about or blows up.",
    "batch": "How many examples are used for each step: the gradient is averaged over them.",
    "gradient": "For each weight, how much the loss changes when the weight is nudged: training steps each "
                "weight against it.",
    "regularization": "A cost for large weights added to the loss (L1 pushes weights to exactly zero, L2 "
                      "keeps them all small): it trades a little training fit for simpler networks.",
    "overfitting": "The network learns the training examples' noise: the training loss keeps falling while "
                   "the test loss rises.",
    "logits": "The output layer's raw scores, one per class, before softmax turns them into probabilities.",
    "softmax": "Turns scores into probabilities that add up to 1; the largest score gets the largest share.",
    "accuracy": "The share of examples the network reads right.",
    "MLP": "A multilayer perceptron: layers of neurons, each connected to every input of the layer before.",
    "CNN": "A convolutional network: small filters slide over the image, so the same weights look for the "
           "same pattern everywhere; far fewer weights than an MLP.",
    "ε": "Epsilon: how far an attack may change each pixel (0 to 1 of the pixel's range). Small ε: a change "
         "you can hardly see.",
    "FGSM": "Fast Gradient Sign Method: one step of size ε in the direction that raises the loss most.",
    "PGD": "Projected Gradient Descent: many small FGSM steps, each kept within ε of the original. Stronger "
           "than FGSM for the same ε.",
    "adversarial training": "Training on attacked examples, so the network learns to resist the attack.",
    "embedding": "The numbers a layer makes of an example: where that example sits in the layer's space.",
    "PCA": "Principal component analysis: the flat view of the data that keeps the most spread. Fast and "
           "faithful to large distances; it cannot unfold curved structure.",
    "t-SNE": "A picture that keeps each point's nearest neighbours near it. Cluster sizes and the distances "
             "between clusters mean little.",
    "UMAP": "Like t-SNE, keeps neighbours together, a little more of the large-scale layout, and is faster "
            "on many points.",
    "perplexity": "t-SNE's idea of how many neighbours each point has: small values show tiny clumps, large "
                  "ones the overall shape.",
    "k-NN accuracy": "How often a point's nearest neighbours in a layer's space share its class: how well "
                     "that layer separates the classes.",
    "regularization rate": "How much the regularization cost counts next to the loss: 0 switches it off, and too "
                           "much keeps the network from fitting the data at all.",
    "optimizer": "The rule that turns gradients into steps. SGD steps each weight against its gradient times the "
                 "learning rate; momentum and Adam also remember earlier gradients.",
    "noise": "Random jitter added to every point, so the pattern is blurred and some points stray among the other "
             "class: more noise makes the data harder to learn and easier to overfit.",
    "training and test data": "The points are split in two: the network learns from the training points only, and "
                              "the test points, which it never learns from, show how it does on new data.",
    "classification": "The network sorts each point into one of a few classes (here, colours).",
    "regression": "The network predicts a number for each point instead of a class (here, a shade from orange to "
                  "blue).",
    "seed": "The number that fixes every random choice (data, starting weights), so the same settings give "
            "the same run for everyone.",
    # the digit, adversarial and embedding lessons
    "parameters": "All the numbers training changes: every weight and every bias of the network.",
    "filter": "A small grid of weights that a convolution layer slides over the image: where the patch under it "
              "matches its pattern, its output is large. Each filter makes one feature map.",
    "kernel size": "How many pixels wide a convolution's filters are: 3 looks at 3×3 patches of the image, 5 at "
                   "5×5 ones.",
    "pooling": "Shrinks each feature map by keeping one number per 2×2 block (the largest, or the average), so "
               "the next layer sees a smaller, coarser picture.",
    "feature map": "What one filter of a convolution layer makes of the image: a small picture that is strong "
                   "where the filter found its pattern.",
    "confusion matrix": "A table of the test examples by their true label (rows) and what the network read "
                        "(columns): the diagonal is read right, every other cell counts one kind of mistake.",
    "adversarial example": "An input changed on purpose, by a little, so that the network reads it wrong while "
                           "a person sees no difference.",
    "targeted attack": "An attack that aims for one class of your choice (make this 7 read as 3), instead of "
                       "any wrong class.",
    "decision boundary": "Where the network's answer changes from one class to another: a point that crosses "
                         "it is read as the other class.",
    "attribution": "A number per input pixel that says how much that pixel counted for one class's score: "
                   "positive pushed the score up, negative pulled it down.",
    "saliency": "The gradient of a class's score with respect to each pixel: how much the score would change "
                "if that one pixel changed a little.",
    "gradient × input": "Each pixel's gradient times the pixel's own value: pixels that are dark (zero) get "
                        "no credit, whatever their gradient.",
    "SmoothGrad": "The saliency map averaged over many noisy copies of the digit, which removes much of its "
                  "speckle.",
    "Integrated Gradients": "Adds up the gradients along a straight path from a baseline image (say, all "
                            "black) to the digit; the attributions add up to the score's change from baseline "
                            "to digit (completeness).",
    "baseline": "The 'nothing here' image an attribution is measured against: all black, a blurred copy of "
                "the digit, or noise. A different baseline gives a different answer.",
    "completeness": "Integrated Gradients' promise: its attributions add up to f(digit) − f(baseline). The gap "
                    "shows how well its steps approximate the path's integral.",
    "DeepLift": "Compares every neuron's output on the digit with its output on the baseline and shares the "
                "difference out to the pixels by rules, in one backward pass.",
    "occlusion": "Covers a small window of the digit at a time and measures how much the class's score drops: "
                 "slow but asks the network directly.",
    "Grad-CAM": "Weights a convolution layer's feature maps by their average gradient for the class: a coarse "
                "map of where that layer saw evidence.",
    "guided backprop": "A gradient that lets only positive signals flow back through each ReLU. Its maps look "
                       "sharp, but they hardly depend on the network's upper layers.",
    "LIME": "Switches random groups of pixels (patches or superpixels) off, asks the network each time, and "
            "fits a simple linear model to the answers; its weights are the explanation, R² says how well it fits.",
    "sanity check": "A test of an explanation method (Adebayo et al., 2018): randomise the network's weights; a "
                    "map that does not change cannot be explaining the network.",
    "deletion curve": "The class's probability as pixels are removed in the order a method ranks them: a good "
                      "explanation makes it fall fast (a small area under the curve).",
    "TracIn": "Scores each training digit by how much the training steps on it raised (proponent) or lowered "
              "(opponent) the loss on the digit you explain, summed over saved checkpoints.",
    "GAN": "A generative adversarial network: a generator makes fake samples from random noise and a "
           "discriminator learns to tell them from real ones; each network trains against the other.",
    "generator": "The network of a GAN that turns random noise into samples; it learns from the "
                 "discriminator's gradients to make samples the discriminator takes for real.",
    "discriminator": "The network of a GAN that says how likely a sample is to be real (1) rather than generated "
                     "(0); it trains on real and generated samples.",
    "latent noise": "The random numbers a generator starts from (one or two per sample, uniform or Gaussian): "
                    "the generator learns a map from this noise to the data.",
    "mode collapse": "A GAN's generator covers only some of the data's clusters (modes), because fooling the "
                     "discriminator there is enough for now.",
    "KL divergence": "How much one distribution differs from another (0 when equal, in bits here): large when "
                     "the generator puts almost nothing where the real data is.",
    "JS divergence": "A symmetric, bounded version of the KL divergence (0 when equal, at most 1 bit): the "
                     "lesson's measure of how close the generated samples are to the real ones.",
    "non-saturating loss": "The generator maximises log D(fake) instead of minimising log(1 - D(fake)): the same "
                           "goal, but strong gradients while the discriminator is winning (GAN Lab's log loss).",
    "minimax loss": "The original GAN game: the generator minimises log(1 - D(fake)), whose gradient vanishes "
                    "when the discriminator confidently rejects the fakes.",
    "least-squares loss": "The discriminator's outputs are pushed to 1 for real and 0 for fake by squared error; "
                          "its gradients do not vanish when it is sure.",
    "autoencoder": "A network that squeezes each input into a few numbers (its code) and rebuilds the input "
                   "from them; trained to make the rebuilt input match.",
    "VAE": "A variational autoencoder: the encoder gives a small cloud of codes for each input instead of a "
           "point, and a KL term keeps the codes near a standard normal, so every region decodes to something.",
    "latent space": "The space of codes a generative model decodes from: here a plane, so you can point at any "
                    "spot and see what it decodes to.",
    "reconstruction loss": "How badly the decoder rebuilds the input from its code (binary cross-entropy summed "
                           "over the pixels).",
    "β": "The weight of the VAE's KL term: a larger β packs the codes closer to a standard normal (a smoother "
         "map, blurrier digits); a smaller one favours sharp reconstructions.",
}


def explain(*terms: str) -> str:
    """Hover help for one or more terms: '**term** — what it means', one per line (KeyError if unknown)."""
    return "\n\n".join(f"**{term}** — {GLOSSARY[term]}" for term in terms)


def with_terms(text: str, terms: tuple[str, ...] | list[str]) -> str:
    """A panel's "What am I looking at?" text, then the glossary's words for what it shows, under a rule
    (Markdown for `ui.looking_at`); every lesson's explainers use it."""
    return text + (f"\n\n---\n\n{explain(*terms)}" if terms else "")
