"""Generative models: a GAN that learns a 2D distribution in front of the learner (GAN Lab's views and
controls, on the compiled-free NumPy engine in `mlp`), and a VAE / autoencoder over MNIST-5k whose 2D latent
space the learner steers."""
